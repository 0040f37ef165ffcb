import Chip, { type ChipProps } from '@mui/material/Chip';
import {
  darken,
  getContrastRatio,
  lighten,
  useTheme,
  type Theme,
} from '@mui/material/styles';

/** WCAG AA contrast for normal-size text (chip labels are 13 px). */
export const AA_TEXT_CONTRAST = 4.5;

export type ChipTone =
  | 'default'
  | 'primary'
  | 'success'
  | 'warning'
  | 'error'
  | 'info';

export interface ChipColors {
  color: string;
  backgroundColor?: string;
  borderColor?: string;
}

const ratio = (a: string, b: string) => getContrastRatio(a, b);

/**
 * Label, background and border colours of a toned chip that keep its label at WCAG AA (4.5:1)
 * in the given theme. MUI's own coloured chips do not: white on the warning orange is 3.1:1,
 * the warning orange as outlined text on white is 3.1:1, and in the dark palette white on the
 * error red is 3.7:1.
 *
 * - filled: the tone's main colour as background; the label in the tone's contrast text when it
 *   reads at 4.5:1, otherwise in black or white, whichever reads better;
 * - outlined: the tone's main colour for label and border, darkened (light theme) or lightened
 *   (dark theme) in small steps until the label reads at 4.5:1 on the paper.
 *
 * `default` keeps MUI's neutral chip (text.primary on a faint grey), which reads in both themes.
 */
export function chipColors(
  theme: Theme,
  tone: ChipTone,
  variant: 'filled' | 'outlined',
): ChipColors | undefined {
  if (tone === 'default') return undefined;
  const { palette } = theme;
  const { main, contrastText } = palette[tone];
  if (variant === 'filled') {
    if (ratio(main, contrastText) >= AA_TEXT_CONTRAST) {
      return { color: contrastText, backgroundColor: main };
    }
    const black = palette.common.black;
    const white = palette.common.white;
    const color = ratio(main, black) >= ratio(main, white) ? black : white;
    return { color, backgroundColor: main };
  }
  const paper = palette.background.paper;
  const shift = palette.mode === 'dark' ? lighten : darken;
  let color = main;
  for (
    let step = 1;
    step <= 10 && ratio(color, paper) < AA_TEXT_CONTRAST;
    step++
  ) {
    color = shift(main, step / 10);
  }
  return { color, borderColor: color };
}

/**
 * A status chip in a tone (success, warning, ...) whose label meets WCAG AA contrast in light
 * and dark themes. Use it instead of MUI's `color` prop on Chip.
 */
export function StatusChip({
  tone = 'default',
  variant = 'filled',
  sx,
  ...props
}: Omit<ChipProps, 'color' | 'variant'> & {
  tone?: ChipTone;
  variant?: 'filled' | 'outlined';
}) {
  const theme = useTheme();
  const colors = chipColors(theme, tone, variant);
  const extra = Array.isArray(sx) ? sx : [sx ?? false];
  return (
    <Chip
      {...props}
      variant={variant}
      data-tone={tone}
      sx={[
        colors
          ? {
              color: colors.color,
              ...(colors.backgroundColor && {
                backgroundColor: colors.backgroundColor,
              }),
              ...(colors.borderColor && { borderColor: colors.borderColor }),
            }
          : {},
        ...extra,
      ]}
    />
  );
}
