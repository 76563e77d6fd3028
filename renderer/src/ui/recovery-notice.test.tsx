import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createAppStore, type AppState } from '../store/app-store';
import { RecoveryNotice } from './recovery-notice';
import { StoreContext } from './store-context';

/** The notice the reloaded window shows after a crash or a hang (rendered as React renders it). */
function render(state: Pick<AppState, 'recovered'>): string {
  const store = createAppStore();
  store.setState(state);
  // Server rendering reads a store's initial state: hand it the state set above.
  const rendered = { ...store, getInitialState: store.getState };
  return renderToStaticMarkup(
    <StoreContext value={rendered}>
      <RecoveryNotice />
    </StoreContext>,
  );
}

describe('RecoveryNotice', () => {
  it('says what happened, that nothing was lost, and where the report is; it can be dismissed', () => {
    const html = render({
      recovered: {
        cause: 'crashed',
        reason: 'oom',
        at: Date.UTC(2026, 10, 30, 9, 42),
        reportFile: '/home/ada/.config/Lookout/logs/crash-reports/x-renderer.json',
        reloads: 1,
      },
    });
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/The window crashed \(oom\) at .+ and was reloaded\./);
    expect(html).toContain('nothing was lost');
    expect(html).toContain(
      '<code>/home/ada/.config/Lookout/logs/crash-reports/x-renderer.json</code>',
    );
    expect(html).toContain('>Open log folder</button>');
    expect(html).toContain('>Dismiss</button>');
  });

  it('words a hang differently, and says so when no report could be written', () => {
    const html = render({
      recovered: {
        cause: 'hung',
        reason: 'not responding for 10 s',
        at: 0,
        reportFile: null,
        reloads: 2,
      },
    });
    expect(html).toMatch(
      /The window stopped responding \(not responding for 10 s\) at .+ and was reloaded\./,
    );
    expect(html).toContain('The crash report could not be saved; the log file has the details.');
  });

  it('shows nothing on a normal start', () => {
    expect(render({ recovered: null })).toBe('');
  });
});
