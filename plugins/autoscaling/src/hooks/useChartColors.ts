import { useTheme } from '@mui/material/styles';

/** Chart colours from the theme palette, so charts read in light and dark themes. */
export function useChartColors() {
  const theme = useTheme();
  const { palette } = theme;
  return {
    primary: palette.primary.main,
    secondary: palette.secondary.main,
    band: palette.primary.light,
    warning: palette.warning.main,
    error: palette.error.main,
    success: palette.success.main,
    info: palette.info.main,
    text: palette.text.secondary,
    grid: palette.divider,
    tooltipBackground: palette.background.paper,
    tooltipText: palette.text.primary,
  };
}
