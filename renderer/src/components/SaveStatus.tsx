/**
 * Whether a draft differs from what the engine has, and how many of its parts must be fixed
 * before it can be saved: announced politely, since it changes with every edit.
 */
export function SaveStatus(props: {
  dirty: boolean;
  unsaved: string;
  saved: string;
  problems: number;
  /** What a problem is counted in: singular and plural. */
  noun: [string, string];
}) {
  return (
    <span aria-live="polite">
      {props.dirty ? (
        <span className="pill warn">{props.unsaved}</span>
      ) : (
        <span className="small muted">{props.saved}</span>
      )}{' '}
      {props.problems > 0 && (
        <span className="field-error">
          {props.problems} {props.problems === 1 ? props.noun[0] : props.noun[1]} to fix before
          saving
        </span>
      )}
    </span>
  );
}
