import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Empty, Space, Tag } from 'antd';
import { api, errorText, pathPart, type PendingExtensionRow } from '../../api.ts';
import { newKey } from '../../usePageTitle.ts';

/**
 * The head's pending extension requests: every one of their department (`GET /extensions`), also on cases where the
 * department holds no open task any more.
 */
export function Extensions({ onDone }: { onDone: () => void }) {
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<PendingExtensionRow[]>();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);

  useEffect(() => {
    api<PendingExtensionRow[]>('/extensions?status=pending')
      .then(setRows)
      .catch((e: unknown) => setError(errorText(e)));
  }, [round]);

  async function decide(caseNo: string, id: string, decision: 'approve' | 'refuse') {
    setError(undefined);
    try {
      await api(`/applications/${pathPart(caseNo)}/extensions/${encodeURIComponent(id)}/approval`, {
        method: 'POST',
        headers: { 'idempotency-key': newKey() },
        body: { decision },
      });
      message.success(decision === 'approve' ? '已批准延期' : '已不予延期');
      setRound((r) => r + 1);
      onDone();
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <Card size="small">
      {error && <Alert type="error" showIcon title="延期审批" description={error} role="alert" />}
      {rows && rows.length === 0 ? (
        <Empty description="暂无待审批的延期申请" />
      ) : (
        <ul className="rows" aria-label="待审批的延期申请">
          {(rows ?? []).map((x) => (
            <li key={`${x.caseNo}-${x.id}`}>
              <Space wrap>
                <strong>{x.caseNo}</strong>
                {x.urgent && <Tag color="#b3261e">急办件</Tag>}
                <span>{x.applicantName}</span>
                <span>
                  申请延长 {x.days} 个工作日，申请人 {x.requestedBy}：{x.reason}
                </span>
                {x.promisedDue && <span>承诺办结日期 {x.promisedDue}</span>}
                <Button type="primary" onClick={() => decide(x.caseNo, x.id, 'approve')}>
                  批准延期
                </Button>
                <Button danger onClick={() => decide(x.caseNo, x.id, 'refuse')}>
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
