import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Empty, Space } from 'antd';
import { api, errorText, pathPart, type CaseView } from '../../api.ts';
import { newKey } from '../../usePageTitle.ts';

/** The head's pending extension requests of their department (from the case views of the department's tasks). */
export function Extensions({
  views,
  department,
  onDone,
}: {
  views: CaseView[];
  department: string;
  onDone: () => void;
}) {
  const { message } = AntApp.useApp();
  const [error, setError] = useState<string>();
  const pending = views.flatMap((v) =>
    v.extensions.filter((x) => x.status === 'requested' && x.department === department).map((x) => ({ view: v, x })),
  );

  async function decide(caseNo: string, id: string, decision: 'approve' | 'refuse') {
    setError(undefined);
    try {
      await api(`/applications/${pathPart(caseNo)}/extensions/${encodeURIComponent(id)}/approval`, {
        method: 'POST',
        headers: { 'idempotency-key': newKey() },
        body: { decision },
      });
      message.success(decision === 'approve' ? '已批准延期' : '已不予延期');
      onDone();
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <Card size="small">
      {error && <Alert type="error" showIcon title="审批未提交" description={error} role="alert" />}
      {pending.length === 0 ? (
        <Empty description="暂无待审批的延期申请" />
      ) : (
        <ul className="rows">
          {pending.map(({ view, x }) => (
            <li key={`${view.caseNo}-${x.id}`}>
              <Space wrap>
                <strong>{view.caseNo}</strong>
                <span>{view.applicant.name}</span>
                <span>
                  申请延长 {x.days} 个工作日，申请人 {x.requestedBy}：{x.reason}
                </span>
                <Button type="primary" onClick={() => decide(view.caseNo, x.id, 'approve')}>
                  批准延期
                </Button>
                <Button danger onClick={() => decide(view.caseNo, x.id, 'refuse')}>
                  不予延期
                </Button>
              </Space>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
