import { render, screen } from '@testing-library/react';
import {
  ThemeProvider,
  decomposeColor,
  getContrastRatio,
  type Theme,
} from '@mui/material/styles';
import { themes } from '@backstage/theme';
import {
  AA_TEXT_CONTRAST,
  chipColors,
  StatusChip,
  type ChipTone,
} from './StatusChip';

const TONES: ChipTone[] = ['primary', 'success', 'warning', 'error', 'info'];
const VARIANTS = ['filled', 'outlined'] as const;
const MODES = ['light', 'dark'] as const;

/** The app's MUI 5 theme of a mode: Backstage's palette (what the plugin renders in). */
const appTheme = (mode: (typeof MODES)[number]) =>
  themes[mode].getTheme('v5') as Theme;

/** An rgba() colour laid over an opaque one, as the browser paints it. */
function over(color: string, background: string): string {
  const fg = decomposeColor(color);
  const bg = decomposeColor(background);
  const a = fg.values[3] ?? 1;
  const [r, g, b] = [0, 1, 2].map(i =>
    Math.round(fg.values[i] * a + bg.values[i] * (1 - a)),
  );
  return `rgb(${r}, ${g}, ${b})`;
}

describe('chipColors', () => {
  // The app's themes: Backstage's palettes on MUI 5 (the plugin's chips render in these).
  for (const mode of MODES) {
    const theme = appTheme(mode);
    const paper = theme.palette.background.paper;

    for (const tone of TONES) {
      for (const variant of VARIANTS) {
        it(`${tone} ${variant} label reads at 4.5:1 in the ${mode} theme`, () => {
          const colors = chipColors(theme, tone, variant)!;
          const background = over(colors.backgroundColor ?? paper, paper);
          const contrast = getContrastRatio(
            over(colors.color, background),
            background,
          );
          expect(contrast).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
        });
      }
    }

    it(`default chips (MUI's neutral colours) read at 4.5:1 in the ${mode} theme`, () => {
      expect(chipColors(theme, 'default', 'filled')).toBeUndefined();
      const filled = over(theme.palette.action.selected, paper);
      const text = theme.palette.text.primary;
      expect(
        getContrastRatio(over(text, filled), filled),
      ).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
      expect(getContrastRatio(over(text, paper), paper)).toBeGreaterThanOrEqual(
        AA_TEXT_CONTRAST,
      );
    });
  }

  it('fixes the light theme warning chips that MUI leaves below AA', () => {
    const theme = appTheme('light');
    const { main, contrastText } = theme.palette.warning;
    // What MUI's color="warning" gives: white on orange, orange on white.
    expect(getContrastRatio(main, contrastText)).toBeLessThan(AA_TEXT_CONTRAST);
    expect(getContrastRatio(main, '#fff')).toBeLessThan(AA_TEXT_CONTRAST);
    const filled = chipColors(theme, 'warning', 'filled')!;
    expect(filled.backgroundColor).toBe(main);
    expect(filled.color).toBe(theme.palette.common.black);
    const outlined = chipColors(theme, 'warning', 'outlined')!;
    expect(outlined.color).not.toBe(main);
    expect(outlined.borderColor).toBe(outlined.color);
  });
});

describe('StatusChip', () => {
  it('paints the label and background it computed', () => {
    const theme = appTheme('light');
    render(
      <ThemeProvider theme={theme}>
        <StatusChip tone="warning" label="pending" />
        <StatusChip
          tone="warning"
          variant="outlined"
          label="ScalingLimited: True"
        />
      </ThemeProvider>,
    );
    const filled = screen.getByText('pending').closest('[data-tone]')!;
    const style = getComputedStyle(filled);
    expect(decomposeColor(style.backgroundColor).values.slice(0, 3)).toEqual(
      decomposeColor(theme.palette.warning.main).values.slice(0, 3),
    );
    expect(decomposeColor(style.color).values.slice(0, 3)).toEqual([0, 0, 0]);
    const outlined = screen
      .getByText('ScalingLimited: True')
      .closest('[data-tone]')!;
    const expected = chipColors(theme, 'warning', 'outlined')!.color;
    expect(
      decomposeColor(getComputedStyle(outlined).color).values.slice(0, 3),
    ).toEqual(decomposeColor(expected).values.slice(0, 3));
  });
});
