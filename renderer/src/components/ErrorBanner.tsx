/** An error a person can act on, with a way to try again. */
export function ErrorBanner(props: { message: string; onRetry?: () => void }) {
  return (
    <div className="banner bad" role="alert">
      <span style={{ flex: 1 }}>{props.message}</span>
      {props.onRetry && (
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
