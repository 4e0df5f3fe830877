import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Space } from 'antd';
import { api, errorText, pathPart, type CaseView } from '../../api.ts';
import { deadlineLabels, formatTime, statusLabels } from '../../labels.ts';
import { AcceptanceForm, DeliveryForm, WithdrawalForm } from './Decisions.tsx';
import { guidesOf } from './catalogue.ts';
import { MaterialsDesk } from './MaterialsDesk.tsx';
import type { Printing } from './PrintDoc.tsx';

const DELIVERABLE = ['approved', 'partially_approved'];
/** Before a decision the applicant may withdraw (撤回). */
const WITHDRAWABLE = ['received', 'awaiting_supplement', 'in_review'];

/** One case at the window: what it is, its notices to print, and the decision the window takes next. */
export function CaseDesk({
  caseNo,
  queryCode,
  onPrint,
}: {
  caseNo: string;
  queryCode?: string;
  onPrint: (p: Printing) => void;
}) {
  const [view, setView] = useState<CaseView>();
  const [names, setNames] = useState(new Map<string, string>());
  const [error, setError] = useState<string>();

  useEffect(() => {
    api<CaseView>(`/applications/${pathPart(caseNo)}`)
      .then(async (v) => {
        setView(v);
        const guides = await guidesOf(v.matters.map((m) => m.code));
        setNames(new Map(guides.flatMap((g) => g.materials.map((m) => [m.code, m.name] as const))));
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [caseNo]);

  if (error) return <Alert type="error" showIcon title="办件读取失败" description={error} role="alert" />;
  if (!view) return null;
  const deadlines = Object.entries(view.deadlines).filter(([, v]) => v);
  return (
    <Card title={`办件 ${view.caseNo}`} style={{ marginBottom: 16 }}>
      <Descriptions bordered size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="办理状态">
          <strong data-testid="desk-status">{statusLabels[view.status] ?? view.status}</strong>
        </Descriptions.Item>
        <Descriptions.Item label="申请人">{view.applicant.name}</Descriptions.Item>
        <Descriptions.Item label="事项" span={2}>
          {view.theme ? `【${view.theme.name}】` : ''}
          {view.matters.map((m) => m.name).join('、')}
        </Descriptions.Item>
        <Descriptions.Item label="收件时间">{formatTime(view.receivedAt)}</Descriptions.Item>
        <Descriptions.Item label="受理日期">{view.acceptedAt ?? '—'}</Descriptions.Item>
        {deadlines.map(([name, due]) => (
          <Descriptions.Item key={name} label={deadlineLabels[name] ?? name}>
            {due}
          </Descriptions.Item>
        ))}
        <Descriptions.Item label="已收材料" span={2}>
          {view.materialsProvided.map((m) => names.get(m) ?? m).join('；') || '—'}
          {view.fromLibrary.length > 0 &&
            `（证照库调取：${view.fromLibrary.map((f) => names.get(f.material) ?? f.material).join('、')}）`}
        </Descriptions.Item>
        {view.delivery && (
          <Descriptions.Item label="送达" span={2}>
            <span data-testid="desk-delivery">
              {view.delivery.method === 'post' ? `邮寄 ${view.delivery.trackingNumber ?? ''}` : '窗口领取'}{' '}
              {view.delivery.on}
            </span>
          </Descriptions.Item>
        )}
      </Descriptions>
      <MaterialsDesk view={view} onDone={setView} />
      <Space wrap style={{ marginBottom: 16 }}>
        <Button onClick={() => onPrint({ kind: 'receipt', view, queryCode, names })}>打印受理回执</Button>
        {view.notices.map((n) => (
          <Button key={n.id} onClick={() => onPrint({ kind: 'notice', view, notice: n })}>
            打印{n.title}
          </Button>
        ))}
      </Space>
      {view.status === 'received' && <AcceptanceForm view={view} names={names} onDone={setView} />}
      {DELIVERABLE.includes(view.status) && !view.delivery && view.certificates.length > 0 && (
        <DeliveryForm caseNo={view.caseNo} onDone={setView} />
      )}
      {WITHDRAWABLE.includes(view.status) && <WithdrawalForm caseNo={view.caseNo} onDone={setView} />}
    </Card>
  );
}
