import { useRef, useState } from 'react';
import { Alert, Button, Progress, Space } from 'antd';
import { errorText } from '../api.ts';
import { sizeText, typeLabel, uploadFile, type UploadedFile, type UploadOptions } from './upload.ts';

/** What the server accepts (it decides by the content; this only narrows the phone's chooser). */
export const ACCEPTED = 'application/pdf,image/jpeg,image/png';

interface Pending {
  key: number;
  name: string;
  percent: number;
}

/**
 * The files of one material: choose files, or take a photo with the phone's camera (`capture`), each uploaded at once
 * with its progress; the server's refusals (415 type, 413 size, 422 unreadable PDF or image) in its own words; the
 * stored files with 移除. Controlled: `value` is the material's stored files, `onChange` gets the new list.
 * A removed file stays on the server unattached until the orphan prune (FILE_ORPHAN_HOURS) deletes it.
 */
export function MaterialUpload({
  label,
  value = [],
  onChange,
  applicant,
}: {
  /** The material's name: the buttons and the file inputs say what they are for. */
  label: string;
  value?: UploadedFile[];
  onChange?: (files: UploadedFile[]) => void;
  applicant?: UploadOptions['applicant'];
}) {
  const chooser = useRef<HTMLInputElement>(null);
  const camera = useRef<HTMLInputElement>(null);
  // Uploads finish one after another while the parent re-renders: add to the latest list, not the rendered one.
  const latest = useRef(value);
  latest.current = value;
  const [pending, setPending] = useState<Pending[]>([]);
  const [failures, setFailures] = useState<string[]>([]);
  const nextKey = useRef(0);

  async function send(list: FileList | null) {
    const chosen = [...(list ?? [])];
    if (chosen.length === 0) return;
    setFailures([]);
    const entries = chosen.map((file) => ({ file, key: nextKey.current++ }));
    setPending((p) => [...p, ...entries.map(({ file, key }) => ({ key, name: file.name, percent: 0 }))]);
    // One at a time: a phone on a slow line sends each photo at full speed, and the list keeps the chosen order.
    for (const { file, key } of entries) {
      try {
        const stored = await uploadFile(file, {
          applicant,
          onProgress: (percent) => setPending((p) => p.map((e) => (e.key === key ? { ...e, percent } : e))),
        });
        latest.current = [...latest.current, stored];
        onChange?.(latest.current);
      } catch (e) {
        setFailures((f) => [...f, `${file.name}：${errorText(e)}`]);
      } finally {
        setPending((p) => p.filter((e) => e.key !== key));
      }
    }
  }

  function remove(id: string) {
    latest.current = latest.current.filter((f) => f.id !== id);
    onChange?.(latest.current);
  }

  const input = (ref: typeof chooser, aria: string, extra: { multiple?: boolean; capture?: 'environment' }) => (
    <input
      ref={ref}
      type="file"
      hidden
      // Inside a checkbox group antd's styles would show it again: hidden it stays, whatever the stylesheet.
      style={{ display: 'none' }}
      accept={ACCEPTED}
      aria-label={aria}
      {...extra}
      onChange={(event) => {
        void send(event.target.files);
        // The same file chosen again (after a refusal, or removed) must fire a change again.
        event.target.value = '';
      }}
    />
  );

  return (
    <div className="material-upload">
      <Space wrap size={[8, 4]}>
        <Button size="small" onClick={() => chooser.current?.click()} aria-label={`选择文件 ${label}`}>
          选择文件
        </Button>
        <Button
          size="small"
          autoInsertSpace={false}
          onClick={() => camera.current?.click()}
          aria-label={`拍照 ${label}`}
        >
          拍照
        </Button>
        <span className="hint">PDF、JPEG 或 PNG</span>
      </Space>
      {input(chooser, `${label}的文件`, { multiple: true })}
      {input(camera, `${label}的照片`, { capture: 'environment' })}
      {pending.map((p) => (
        <div key={p.key} className="upload-progress">
          <span>正在上传 {p.name}</span>
          <Progress percent={p.percent} size="small" aria-label={`${p.name} 上传进度`} />
        </div>
      ))}
      {failures.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title="上传失败"
          description={
            <ul className="plain">
              {failures.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          }
          style={{ marginTop: 6 }}
        />
      )}
      {value.length > 0 && (
        <ul className="plain uploaded" aria-label={`${label}已上传的文件`}>
          {value.map((f) => (
            <li key={f.id}>
              <span className="file-name">{f.name}</span>
              <span className="hint">
                {typeLabel(f.contentType)}
                {f.pages !== undefined ? ` · ${f.pages} 页` : ''} · {sizeText(f.size)}
              </span>
              <Button
                size="small"
                type="link"
                autoInsertSpace={false}
                onClick={() => remove(f.id)}
                aria-label={`移除 ${f.name}`}
              >
                移除
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
