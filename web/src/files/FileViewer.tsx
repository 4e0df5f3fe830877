import { lazy, Suspense, useState } from 'react';
import { Button, Card, Empty, Space, Tag } from 'antd';
import type { CaseFile, CaseMaterial } from '../api.ts';
import { ImageView } from './ImageView.tsx';
import { sizeText, typeLabel } from './upload.ts';

// pdf.js is large: it loads when a PDF is first opened, not with the page.
const PdfView = lazy(() => import('./PdfView.tsx'));

/** The name a file was uploaded under (masked for roles that see no personal data), else its id. */
export const fileName = (f: CaseFile) => f.fileName || f.id;

/** The case's files by material, and the one chosen read in place: a PDF page by page, an image zoomed and turned. */
export function FileViewer({ materials, openFirst = true }: { materials: CaseMaterial[]; openFirst?: boolean }) {
  const all = materials.flatMap((m) => m.files);
  const [shown, setShown] = useState<string | undefined>(openFirst ? all[0]?.id : undefined);
  const file = all.find((f) => f.id === shown);
  if (all.length === 0) return <Empty description="本办件没有电子材料" />;
  return (
    <>
      <ul className="rows">
        {materials
          .filter((m) => m.files.length > 0)
          .map((m) => (
            <li key={m.code}>
              <Space wrap size={[8, 4]}>
                <strong>{m.name}</strong>
                {m.originalSeen && <Tag color="#1b5e20">原件已核</Tag>}
                {m.files.map((f) => (
                  <Button
                    key={f.id}
                    size="small"
                    type={f.id === shown ? 'primary' : 'default'}
                    aria-pressed={f.id === shown}
                    onClick={() => setShown(f.id)}
                  >
                    {fileName(f)}（{typeLabel(f.contentType)}
                    {f.pages !== undefined ? `，${f.pages} 页` : ''}，{sizeText(f.size)}）
                  </Button>
                ))}
              </Space>
            </li>
          ))}
      </ul>
      {file && (
        <Card size="small" title={`正在查看：${fileName(file)}`} style={{ marginTop: 12 }} data-testid="file-viewer">
          {file.contentType === 'application/pdf' ? (
            <Suspense fallback={<span>正在加载阅读器…</span>}>
              <PdfView key={file.id} id={file.id} name={fileName(file)} />
            </Suspense>
          ) : (
            <ImageView key={file.id} id={file.id} name={fileName(file)} />
          )}
        </Card>
      )}
    </>
  );
}
