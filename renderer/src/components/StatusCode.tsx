/** An HTTP status coloured by what it means for the person: fine, throttled, or failed. */
export function StatusCode(props: { status: number }) {
  const { status } = props;
  const tone = status === 0 ? 'bad' : status < 400 ? 'ok' : status === 429 ? 'warn' : 'bad';
  return <span className={`status-code ${tone}`}>{status === 0 ? 'no answer' : status}</span>;
}
