/** A placeholder of the final size, so nothing jumps when the data arrives. */
export function Skeleton(props: { height: number; count?: number; label?: string }) {
  const count = props.count ?? 1;
  return (
    <div className="stack" aria-busy="true" aria-label={props.label ?? 'Loading'}>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="skeleton" style={{ height: props.height }} />
      ))}
    </div>
  );
}
