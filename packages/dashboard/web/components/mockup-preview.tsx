// A mockup's thumbnail with its smart objects outlined: an SVG over the image whose viewBox is the
// template's pixel size, so the outlines (given in template pixels) scale with the image.
import type { Mockup } from '../lib/api-types.js';
import { labelAnchor, outlineCorners, svgPoints } from '../lib/outline.js';

export function MockupPreview({ mockup, showLabels = true }: { mockup: Mockup; showLabels?: boolean }) {
  const { width, height } = mockup;
  const fontSize = Math.max(12, Math.round(Math.min(width, height) / 28));
  const names = mockup.smart_objects.map((object) => object.name).join(', ');
  return (
    <div className="preview" style={{ aspectRatio: `${width} / ${height}` }}>
      {mockup.thumbnail ? (
        <img src={mockup.thumbnail} alt={`${mockup.name} mockup`} loading="lazy" />
      ) : (
        <div className="preview-empty">No preview</div>
      )}
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Smart objects: ${names || 'none'}`}
      >
        {mockup.smart_objects.map((object) => {
          const corners = outlineCorners(object);
          const [x, y] = labelAnchor(corners);
          return (
            <g key={object.uuid}>
              <polygon points={svgPoints(corners)} className="outline" vectorEffect="non-scaling-stroke" />
              {showLabels && (
                <text
                  x={x + fontSize * 0.3}
                  y={y + fontSize * 1.1}
                  fontSize={fontSize}
                  className="outline-label"
                >
                  {object.name}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
