import { useEffect, useState } from 'react';
import { Button, Card, Table } from 'antd';
import { api, type CaseListRow } from '../../api.ts';
import { formatTime, statusLabels } from '../../labels.ts';

/** The latest cases received (`GET /applications`), to pick one to audit instead of typing its number. */
export function RecentCases({ onPick }: { onPick: (caseNo: string) => void }) {
  const [rows, setRows] = useState<CaseListRow[]>([]);
  useEffect(() => {
    api<CaseListRow[]>('/applications?limit=20').then(setRows, () => setRows([]));
  }, []);
  return (
    <Card title="最近收件" size="small" style={{ marginBottom: 16 }}>
      <Table
        size="small"
        rowKey="caseNo"
        dataSource={rows}
        pagination={{ pageSize: 5 }}
        scroll={{ x: true }}
        columns={[
          {
            title: '办件编号',
            dataIndex: 'caseNo',
            render: (caseNo: string) => (
              <Button type="link" style={{ padding: 0 }} onClick={() => onPick(caseNo)}>
                {caseNo}
              </Button>
            ),
          },
          { title: '状态', dataIndex: 'status', render: (s: string) => statusLabels[s] ?? s },
          { title: '申请人', dataIndex: 'applicantName' },
          { title: '窗口', dataIndex: 'window' },
          { title: '收件时间', dataIndex: 'receivedAt', render: formatTime },
        ]}
      />
    </Card>
  );
}
