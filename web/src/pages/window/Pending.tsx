import { useEffect, useState } from 'react';
import { Card, Table } from 'antd';
import { api, type CaseListRow } from '../../api.ts';
import { formatTime, statusLabels } from '../../labels.ts';
import { caseNoColumn } from './caseNoColumn.tsx';

type Row = CaseListRow;

/**
 * What waits for the window: cases this window received and has not yet accepted, and decided ones whose result is
 * still to hand out at any window (统一窗口出件; the API's `awaitingHandout`: approved, not yet delivered or collected).
 */
export function Pending({ window, onOpen }: { window?: string; onOpen: (caseNo: string) => void }) {
  const [rows, setRows] = useState<Row[]>([]);

  useEffect(() => {
    const at = window ? `&window=${encodeURIComponent(window)}` : '';
    Promise.all([
      api<Row[]>(`/applications?status=received&limit=50${at}`),
      api<Row[]>('/applications?awaitingHandout=true&limit=50'),
    ]).then(
      (lists) => setRows(lists.flat()),
      () => setRows([]),
    );
  }, [window]);

  return (
    <Card title="待受理 / 待出件" size="small">
      <Table
        size="small"
        rowKey="caseNo"
        dataSource={rows}
        pagination={{ pageSize: 10 }}
        columns={[
          caseNoColumn(onOpen),
          { title: '状态', dataIndex: 'status', render: (s: string) => statusLabels[s] ?? s },
          { title: '申请人', dataIndex: 'applicantName' },
          { title: '窗口', dataIndex: 'window' },
          { title: '收件时间', dataIndex: 'receivedAt', render: formatTime },
          { title: '承诺办结', dataIndex: 'promisedDue' },
        ]}
      />
    </Card>
  );
}
