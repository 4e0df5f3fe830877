import { useState } from 'react';
import { App as AntApp, Button, Card } from 'antd';
import { api, pathPart, type CaseView } from '../../api.ts';
import { MaterialUpload } from '../../files/MaterialUpload.tsx';
import type { UploadedFile } from '../../files/upload.ts';
import { SubmitError, useSubmit } from '../../submit.tsx';

/**
 * 在线补正: the applicant supplies, with the query code, the materials the latest supplement notice (一次性告知书) asked
 * for: each one's files are uploaded for the case (`POST /files` with the case number and the query code), then the
 * supplement names them per material.
 */
export function SupplementForm({
  view,
  queryCode,
  onSupplied,
}: {
  view: CaseView;
  queryCode: string;
  onSupplied: () => void;
}) {
  const { message } = AntApp.useApp();
  const { submit, error, setError, sending } = useSubmit();
  const [files, setFiles] = useState<Record<string, UploadedFile[]>>({});
  const notice = view.notices.filter((n) => n.kind === 'supplement').at(-1);
  const items = notice?.items ?? [];
  const applicant = { caseNo: view.caseNo, queryCode };

  async function supply() {
    const materials = items
      .filter((item) => (files[item.code]?.length ?? 0) > 0)
      .map((item) => ({ code: item.code, files: (files[item.code] ?? []).map((f) => f.id) }));
    if (materials.length === 0) {
      setError('请先为要补正的材料上传文件');
      return;
    }
    await submit(async (key) => {
      await api(`/applications/${pathPart(view.caseNo)}/supplements`, {
        method: 'POST',
        headers: { 'x-query-code': queryCode.trim(), 'idempotency-key': key },
        body: { materials, channel: 'online' },
      });
      message.success('补正材料已提交');
      onSupplied();
    });
  }

  return (
    <Card title="在线补正材料" style={{ marginBottom: 16 }}>
      {notice?.due && <p>请于 {notice.due} 前补正以下材料（一次性告知书所列）。</p>}
      <p className="hint">可上传 PDF、JPEG 或 PNG；用手机可直接拍照上传。</p>
      <ul className="rows">
        {items.map((item) => (
          <li key={item.code}>
            <strong>{item.name}</strong>
            <MaterialUpload
              label={item.name}
              applicant={applicant}
              value={files[item.code]}
              onChange={(list) => setFiles((f) => ({ ...f, [item.code]: list }))}
            />
          </li>
        ))}
      </ul>
      <SubmitError title="补正未提交" error={error} />
      <Button type="primary" onClick={() => void supply()} loading={sending}>
        提交补正材料
      </Button>
    </Card>
  );
}
