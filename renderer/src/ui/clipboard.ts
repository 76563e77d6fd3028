/** Copy text; false when the page may not write the clipboard (permissions, insecure origin). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** An object URL to download text as a file (the fallback when the clipboard is denied). */
export function downloadUrl(text: string, type = 'application/json'): string {
  return URL.createObjectURL(new Blob([text], { type }));
}
