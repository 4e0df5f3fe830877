/**
 * A PDF read page by page inside the page, with pdf.js (the library the API checks uploads with). The bytes come
 * from `GET /files/:id` with the session cookie; pdf.js runs its parser in a worker served from the app's own
 * assets (the app's CSP allows scripts from 'self' only) and evaluates nothing from the file.
 * Each page is drawn on a canvas; its text is kept beside it for screen readers.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Space } from 'antd';
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { errorText } from '../api.ts';
import { fetchFileBytes } from './fetchFile.ts';

GlobalWorkerOptions.workerSrc = workerUrl;

const ZOOMS = [0.75, 1, 1.25, 1.5, 2];

export default function PdfView({ id, name }: { id: string; name: string }) {
  const [doc, setDoc] = useState<PDFDocumentProxy>();
  const [pageNo, setPageNo] = useState(1);
  const [zoom, setZoom] = useState(1);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let loaded: PDFDocumentProxy | undefined;
    let cancelled = false;
    // A new file mounts a new viewer (keyed by id): nothing to reset here.
    fetchFileBytes(id)
      .then((data) => getDocument({ data, isEvalSupported: false }).promise)
      .then((d) => {
        loaded = d;
        if (cancelled) void d.destroy();
        else setDoc(d);
      })
      .catch((e: unknown) => !cancelled && setError(`无法显示 ${name}：${errorText(e)}`));
    return () => {
      cancelled = true;
      void loaded?.destroy();
    };
  }, [id, name]);

  useEffect(() => {
    if (!doc || !canvas.current) return;
    let cancelled = false;
    let task: { cancel(): void; promise: Promise<void> } | undefined;
    (async () => {
      const page = await doc.getPage(pageNo);
      if (cancelled) return;
      // Fit the page's width to the frame, then zoom; drawn at the screen's pixel density so text stays sharp.
      const width = frame.current?.clientWidth || 800;
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: (Math.min(width - 2, 900) / base.width) * zoom });
      const ratio = window.devicePixelRatio || 1;
      const target = canvas.current!;
      target.width = Math.floor(viewport.width * ratio);
      target.height = Math.floor(viewport.height * ratio);
      target.style.width = `${Math.floor(viewport.width)}px`;
      target.style.height = `${Math.floor(viewport.height)}px`;
      task = page.render({
        canvas: target,
        viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
      });
      await task.promise;
      const content = await page.getTextContent();
      if (!cancelled) {
        setText(
          content.items
            .map((item) => ('str' in item ? item.str : ''))
            .join(' ')
            .trim(),
        );
      }
    })().catch((e: unknown) => {
      if (!cancelled && (e as { name?: string }).name !== 'RenderingCancelledException') setError(errorText(e));
    });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [doc, pageNo, zoom]);

  if (error) return <Alert type="error" showIcon role="alert" title="文件无法显示" description={error} />;
  const pages = doc?.numPages ?? 0;
  return (
    <div className="pdf-view">
      <Space wrap className="viewer-tools">
        <Button size="small" disabled={pageNo <= 1} onClick={() => setPageNo((n) => n - 1)}>
          上一页
        </Button>
        <span data-testid="pdf-page" aria-live="polite">
          {doc ? `第 ${pageNo} 页 / 共 ${pages} 页` : '正在打开…'}
        </span>
        <Button size="small" disabled={pageNo >= pages} onClick={() => setPageNo((n) => n + 1)}>
          下一页
        </Button>
        <Button
          size="small"
          disabled={zoom <= ZOOMS[0]!}
          onClick={() => setZoom((z) => ZOOMS[ZOOMS.indexOf(z) - 1] ?? z)}
        >
          缩小
        </Button>
        <span>{Math.round(zoom * 100)}%</span>
        <Button
          size="small"
          disabled={zoom >= ZOOMS.at(-1)!}
          onClick={() => setZoom((z) => ZOOMS[ZOOMS.indexOf(z) + 1] ?? z)}
        >
          放大
        </Button>
      </Space>
      <div
        ref={frame}
        className="viewer-frame"
        tabIndex={0}
        role="region"
        aria-label={`${name} 阅读区（可用方向键滚动）`}
      >
        <canvas ref={canvas} role="img" aria-label={`${name} 第 ${pageNo} 页`} />
      </div>
      <div className="sr-only" data-testid="pdf-text">
        {text}
      </div>
    </div>
  );
}
