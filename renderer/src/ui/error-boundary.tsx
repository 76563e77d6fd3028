import { Component, useState, type ErrorInfo, type ReactNode } from 'react';
import { copyText } from './clipboard';
import { describeThrown, errorDetails, type CaughtError, type ErrorContext } from './error-report';

interface BoundaryProps {
  scope: string;
  children: ReactNode;
  /** Logs the error where support looks (the main process log). */
  report?: (caught: CaughtError) => void;
  /** Context for the copied details. */
  context?: () => ErrorContext;
  /** A change of this value (e.g. the view) gives the children another try. */
  resetKey?: unknown;
  /** The whole window failed: fill the page. */
  fullPage?: boolean;
}

interface BoundaryState {
  caught: CaughtError | null;
  resetKey: unknown;
}

/**
 * Catches what a render throws below it, so one broken view does not blank the window: shows what
 * happened with "Copy details" and "Reload", and reports it to the main process log.
 */
export class ErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { caught: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(thrown: unknown): Partial<BoundaryState> {
    return { caught: { scope: '', ...describeThrown(thrown), at: Date.now() } };
  }

  static getDerivedStateFromProps(
    props: BoundaryProps,
    state: BoundaryState,
  ): Partial<BoundaryState> | null {
    // Navigating elsewhere gives the children another try.
    if (props.resetKey !== state.resetKey) return { caught: null, resetKey: props.resetKey };
    return null;
  }

  override componentDidCatch(thrown: unknown, info: ErrorInfo): void {
    const caught: CaughtError = {
      scope: this.props.scope,
      ...describeThrown(thrown),
      ...(info.componentStack ? { componentStack: info.componentStack } : {}),
      at: this.state.caught?.at ?? Date.now(),
    };
    this.setState({ caught });
    try {
      this.props.report?.(caught);
    } catch {
      // Reporting must never turn one error into two.
    }
  }

  override render(): ReactNode {
    const { caught } = this.state;
    if (!caught) return this.props.children;
    return (
      <ErrorFallback
        caught={{ ...caught, scope: this.props.scope }}
        context={this.props.context?.() ?? {}}
        fullPage={this.props.fullPage ?? false}
      />
    );
  }
}

function ErrorFallback({
  caught,
  context,
  fullPage,
}: {
  caught: CaughtError;
  context: ErrorContext;
  fullPage: boolean;
}) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const details = errorDetails(caught, context);
  const onCopy = async () => setCopy((await copyText(details)) ? 'copied' : 'failed');
  return (
    <div className={fullPage ? 'fatal' : 'page'}>
      <div className="callout callout--bad error-boundary" role="alert">
        <strong>
          {fullPage
            ? 'Lookout ran into a problem and cannot show this window.'
            : `${caught.scope} ran into a problem and cannot be shown.`}
        </strong>
        <p>
          Your connections and notifications keep running. Reload the window to try again; if it
          happens again, copy the details into a bug report (the log file has them too).
        </p>
        <p className="error-boundary__message">
          <code>
            {caught.name}: {caught.message}
          </code>
        </p>
        <div className="error-boundary__actions">
          <button type="button" className="btn btn--primary" onClick={() => location.reload()}>
            Reload
          </button>
          <button type="button" className="btn" onClick={() => void onCopy()}>
            Copy details
          </button>
          <span role="status" className="muted small">
            {copy === 'copied'
              ? 'Details copied.'
              : copy === 'failed'
                ? 'Copying is not allowed here: select the details below and copy them.'
                : ''}
          </span>
        </div>
        <details open={copy === 'failed'}>
          <summary>Details</summary>
          <textarea
            className="error-boundary__details"
            readOnly
            value={details}
            rows={12}
            aria-label="Error details"
            onFocus={(e) => e.currentTarget.select()}
          />
        </details>
      </div>
    </div>
  );
}
