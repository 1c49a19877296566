import { plural } from '../../web/format.ts';
import type { GraphNode, NetworkGraph } from '../network-graph.ts';

/** The network picture of My PLN (my-pln-pages.tsx), drawn on the server as SVG. */

/** Where each relation is drawn: shape, line style and word, so none rests on colour. */
const RELATION_STYLE = {
  mutual: { label: 'you follow each other', dash: undefined, width: 2 },
  following: { label: 'you follow them', dash: '6 4', width: 1.5 },
  follower: { label: 'they follow you', dash: '2 3', width: 1.5 },
} as const;

type Relation = keyof typeof RELATION_STYLE;

function relationOf(node: GraphNode): Relation {
  return node.following && node.follower ? 'mutual' : node.following ? 'following' : 'follower';
}

/** A node's mark: a filled diamond for mutuals, a hollow circle for people you follow, a filled square for followers. */
function NodeMark({ x, y, relation }: { x: number; y: number; relation: Relation }) {
  const r = 7;
  if (relation === 'mutual') return <polygon points={`${x},${y - r - 2} ${x + r + 2},${y} ${x},${y + r + 2} ${x - r - 2},${y}`} />;
  if (relation === 'following') return <circle cx={x} cy={y} r={r} fill="#ffffff" stroke="currentColor" stroke-width="2" />;
  return <rect x={x - r} y={y - r} width={r * 2} height={r * 2} />;
}

/**
 * The member in the centre and the people around them in one sector per role (sized by the
 * people drawn in it), labelled with the role and how many people of it there are in all.
 * Lines and marks differ by relation. The layout depends only on the data (no randomness).
 */
export function NetworkPicture({ graph }: { graph: NetworkGraph }) {
  // Wide enough for the longest role label ("School or library administrator (12)") on either side.
  const width = 1040;
  const cx = 520;
  const cy = 270;
  const rings = [150, 200];
  const labelRadius = 232;
  const legendY = 545;
  const height = legendY + 40;
  const byRole = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) byRole.set(node.role, [...(byRole.get(node.role) ?? []), node]);
  // Roles with nobody drawn still get a narrow sector for their label.
  const slots = graph.roles.map((r) => ({ role: r, nodes: byRole.get(r.role) ?? [], weight: (byRole.get(r.role)?.length ?? 0) + 1 }));
  const totalWeight = slots.reduce((sum, s) => sum + s.weight, 0);
  let angle = -Math.PI / 2;
  const point = (a: number, radius: number) => ({
    x: Math.round((cx + radius * Math.cos(a)) * 10) / 10,
    y: Math.round((cy + radius * Math.sin(a)) * 10) / 10,
  });
  const sectors = slots.map((slot) => {
    const span = (slot.weight / totalWeight) * 2 * Math.PI;
    const start = angle;
    angle += span;
    const people = slot.role.following + slot.role.followers - slot.role.mutuals;
    const nodes = slot.nodes.map((node, i) => {
      const a = start + ((i + 1) / (slot.nodes.length + 1)) * span;
      return { node, relation: relationOf(node), ...point(a, rings[i % rings.length]!) };
    });
    const mid = start + span / 2;
    const label = point(mid, labelRadius);
    const anchor = Math.abs(Math.cos(mid)) < 0.2 ? 'middle' : Math.cos(mid) > 0 ? 'start' : 'end';
    return { slot, people, nodes, label, anchor, boundary: point(start, labelRadius + 10) };
  });
  const shown = graph.nodes.length;
  const more = graph.people - shown;
  const roleWords = graph.roles
    .map((r) => `${r.label}: you follow ${r.following}, ${r.followers} follow you, ${r.mutuals} both ways`)
    .join('; ');
  const totals = graph.roles.reduce(
    (t, r) => ({ following: t.following + r.following, followers: t.followers + r.followers, mutuals: t.mutuals + r.mutuals }),
    { following: 0, followers: 0, mutuals: 0 },
  );
  const desc =
    `You follow ${plural(totals.following, 'person', 'people')} and ${plural(totals.followers, 'person follows', 'people follow')} you; ${totals.mutuals} of them both ways. ` +
    `By role${graph.followersEstimated ? ' (followers estimated from a sample)' : ''} — ${roleWords}. ${more > 0 ? `${shown} people are drawn, and ${more} more are counted in the table.` : `All ${shown} are drawn.`} ` +
    'Diamonds with solid lines: you follow each other; hollow circles with dashed lines: you follow them; squares with dotted lines: they follow you.';
  return (
    <div class="insights-chart">
      <svg
        id="network-picture"
        role="img"
        aria-labelledby="network-picture-title network-picture-desc"
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        height={height}
        preserveAspectRatio="xMinYMin meet"
        fill="currentColor"
      >
        <title id="network-picture-title">Your network by role</title>
        <desc id="network-picture-desc">{desc}</desc>
        {sectors.length > 1
          ? sectors.map((s) => (
              <line x1={cx} y1={cy} x2={s.boundary.x} y2={s.boundary.y} stroke="currentColor" stroke-opacity="0.2" stroke-width="1" />
            ))
          : null}
        {sectors.flatMap((s) =>
          s.nodes.map((n) => (
            <line
              x1={cx}
              y1={cy}
              x2={n.x}
              y2={n.y}
              stroke="currentColor"
              stroke-opacity="0.55"
              stroke-width={RELATION_STYLE[n.relation].width}
              stroke-dasharray={RELATION_STYLE[n.relation].dash}
            />
          )),
        )}
        {sectors.flatMap((s) =>
          s.nodes.map((n) => (
            <g class={`graph-node graph-node--${n.relation}`} data-acct={n.node.acct} data-role={n.node.role}>
              <title>{`${n.node.displayName} (@${n.node.acct}), ${s.slot.role.label}: ${RELATION_STYLE[n.relation].label}`}</title>
              <NodeMark x={n.x} y={n.y} relation={n.relation} />
            </g>
          )),
        )}
        {sectors.map((s) => (
          <text class="graph-role" x={s.label.x} y={s.label.y + 5} text-anchor={s.anchor} font-size="14" font-weight="600">
            {`${s.slot.role.label} (${s.people})`}
          </text>
        ))}
        <circle cx={cx} cy={cy} r="24" />
        <text x={cx} y={cy + 5} text-anchor="middle" font-size="14" font-weight="700" fill="#ffffff">
          You
        </text>
        {more > 0 ? (
          <text x={width - 10} y={legendY - 14} text-anchor="end" font-size="13">
            {`and ${more} more not drawn`}
          </text>
        ) : null}
        {(['mutual', 'following', 'follower'] as const).map((relation, i) => (
          <g>
            <line
              x1={20 + i * 300}
              y1={legendY + 12}
              x2={50 + i * 300}
              y2={legendY + 12}
              stroke="currentColor"
              stroke-width={RELATION_STYLE[relation].width}
              stroke-dasharray={RELATION_STYLE[relation].dash}
            />
            <NodeMark x={62 + i * 300} y={legendY + 12} relation={relation} />
            <text x={78 + i * 300} y={legendY + 17} font-size="13">
              {RELATION_STYLE[relation].label}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
