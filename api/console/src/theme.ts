import { createTheme, defaultVariantColorsResolver, type CSSVariablesResolver } from '@mantine/core';

// Shade 9 keeps white text on filled controls above 4.5:1; "light" variants (badges) use the
// body text colour on their tint, so every badge passes WCAG AA whatever its colour.
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 9, dark: 7 },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  variantColorResolver: (input) => {
    const colors = defaultVariantColorsResolver(input);
    if (input.variant === 'light') {
      return { ...colors, color: 'var(--mantine-color-black)' };
    }
    return colors;
  },
});

export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#495057',
    '--mantine-color-placeholder': '#5c636a',
  },
  dark: {},
});
