import { useApp } from './store-context';

/** `light` / `dark` actually in use (`system` follows the OS). */
export function useResolvedTheme(): 'light' | 'dark' {
  const theme = useApp((s) => s.settings.theme);
  const systemDark = useApp((s) => s.systemDark);
  return theme === 'system' ? (systemDark ? 'dark' : 'light') : theme;
}
