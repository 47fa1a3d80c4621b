/** A banner that lists what went wrong under one heading; nothing when the list is empty. */
export function ProblemList(props: {
  title: string;
  problems: readonly string[];
  tone: 'bad' | 'warn';
  alert?: boolean;
}) {
  if (props.problems.length === 0) return null;
  return (
    <div className={`banner ${props.tone}`} role={props.alert === true ? 'alert' : undefined}>
      <div>
        {props.title}
        <ul style={{ margin: '4px 0 0' }}>
          {props.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
