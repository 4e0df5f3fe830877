import { Button, Space, Tag, Typography } from 'antd';
import { api, pathPart, type CaseView } from '../../api.ts';
import { FileViewer, fileName } from '../../files/FileViewer.tsx';
import { SubmitError, useSubmit } from '../../submit.tsx';

/**
 * 材料与原件核验: each material of the case, handed in or not, its scans (readable in place), and 原件已核 for a
 * material handed in whose original the clerk has now seen (`POST …/materials/:code/original-seen`).
 */
export function MaterialsDesk({ view, onDone }: { view: CaseView; onDone: (v: CaseView) => void }) {
  const { submit, error, sending } = useSubmit();
  const markSeen = (code: string) =>
    submit(async (key) => {
      onDone(
        await api<CaseView>(`/applications/${pathPart(view.caseNo)}/materials/${pathPart(code)}/original-seen`, {
          method: 'POST',
          headers: { 'idempotency-key': `${key}-${code}` },
          body: {},
        }),
      );
    });
  return (
    <section aria-label="材料与原件核验" style={{ marginBottom: 16 }}>
      <Typography.Title level={3}>材料与原件核验</Typography.Title>
      <ul className="rows" data-testid="desk-materials">
        {view.materials.map((m) => (
          <li key={m.code}>
            <Space wrap size={[8, 4]}>
              <span>{m.name}</span>
              {m.provided ? <Tag color="#1b5e20">已收</Tag> : <Tag>未收</Tag>}
              {m.files.length > 0 && <span className="hint">电子件：{m.files.map((f) => fileName(f)).join('、')}</span>}
              {m.originalSeen ? (
                <Tag color="#0b57d0">原件已核</Tag>
              ) : (
                m.provided && (
                  <Button
                    size="small"
                    loading={sending}
                    onClick={() => void markSeen(m.code)}
                    aria-label={`原件已核 ${m.name}`}
                  >
                    原件已核
                  </Button>
                )
              )}
            </Space>
          </li>
        ))}
      </ul>
      <SubmitError title="原件核验未记录" error={error} />
      {view.materials.some((m) => m.files.length > 0) && <FileViewer materials={view.materials} openFirst={false} />}
    </section>
  );
}
