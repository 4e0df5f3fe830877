import { useState } from 'react';
import { Button, Space } from 'antd';

const ZOOMS = [0.5, 0.75, 1, 1.5, 2, 3];

/**
 * A photo or scan read with zoom and rotation. The image is the file itself (`<img src="/files/:id">`, sent with
 * the session cookie; the app's CSP allows images from 'self'). Turned a quarter, the frame swaps width and height
 * so the image never overlaps what follows.
 */
export function ImageView({ id, name }: { id: string; name: string }) {
  const [zoom, setZoom] = useState(1);
  const [turns, setTurns] = useState(0);
  const [natural, setNatural] = useState<{ width: number; height: number }>();
  // Fit a wide scan to the page at 100 %, then zoom.
  const fit = natural ? Math.min(1, 860 / Math.max(natural.width, natural.height)) : 1;
  const width = (natural?.width ?? 0) * fit * zoom;
  const height = (natural?.height ?? 0) * fit * zoom;
  const sideways = turns % 2 === 1;
  const degrees = (((turns % 4) + 4) % 4) * 90;
  return (
    <div className="image-view">
      <Space wrap className="viewer-tools">
        <Button
          size="small"
          disabled={zoom <= ZOOMS[0]!}
          onClick={() => setZoom((z) => ZOOMS[ZOOMS.indexOf(z) - 1] ?? z)}
        >
          缩小
        </Button>
        <span data-testid="image-zoom">{Math.round(zoom * 100)}%</span>
        <Button
          size="small"
          disabled={zoom >= ZOOMS.at(-1)!}
          onClick={() => setZoom((z) => ZOOMS[ZOOMS.indexOf(z) + 1] ?? z)}
        >
          放大
        </Button>
        <Button size="small" onClick={() => setTurns((t) => t - 1)}>
          向左旋转
        </Button>
        <Button size="small" onClick={() => setTurns((t) => t + 1)}>
          向右旋转
        </Button>
        <span data-testid="image-rotation">旋转 {degrees}°</span>
        <Button
          size="small"
          onClick={() => {
            setZoom(1);
            setTurns(0);
          }}
        >
          复原
        </Button>
      </Space>
      <div className="viewer-frame" tabIndex={0} role="region" aria-label={`${name} 阅读区（可用方向键滚动）`}>
        <div
          className="image-box"
          style={natural ? { width: sideways ? height : width, height: sideways ? width : height } : undefined}
        >
          <img
            src={`/files/${encodeURIComponent(id)}`}
            alt={name}
            onLoad={(e) => setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
            style={
              natural
                ? { width, height, transform: `translate(-50%, -50%) rotate(${degrees}deg)` }
                : { maxWidth: '100%' }
            }
          />
        </div>
      </div>
    </div>
  );
}
