import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Table, Tabs, Tag, Typography } from 'antd';
import { api, errorText, type TaskRow } from '../../api.ts';
import { taskStatusLabels } from '../../labels.ts';
import { useSession } from '../../session.tsx';
import { usePageTitle } from '../../usePageTitle.ts';
import { Extensions } from './Extensions.tsx';
import { FollowUps } from './FollowUps.tsx';
import { TaskPage } from './TaskPage.tsx';

export type { TaskRow } from '../../api.ts';

/** 待办 / 已办: the department's tasks, urgent first then by due date (the API's order), with yellow/red marks. */
export function Inbox() {
  usePageTitle('待办');
  const { user } = useSession();
  const [open, setOpen] = useState<TaskRow[]>([]);
  const [done, setDone] = useState<TaskRow[]>([]);
  const [selected, setSelected] = useState<TaskRow>();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);

  useEffect(() => {
    Promise.all([
      api<TaskRow[]>('/tasks?status=open'),
      api<TaskRow[]>('/tasks?status=supplement_requested'),
      api<TaskRow[]>('/tasks?status=approved&limit=50'),
      api<TaskRow[]>('/tasks?status=refused&limit=50'),
      // The lead of a joint matter answers for the case while the co-departments review: it sees it waiting.
      api<TaskRow[]>('/tasks?status=waiting'),
    ])
      .then(([o, s, a, r, w]) => {
        const pending = [...o, ...s, ...w].sort(
          (x, y) => Number(y.urgent) - Number(x.urgent) || x.due.localeCompare(y.due) || x.id.localeCompare(y.id),
        );
        setOpen(pending);
        setDone([...a, ...r].sort((x, y) => y.due.localeCompare(x.due)));
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [round]);

  const refresh = useCallback(() => setRound((r) => r + 1), []);

  if (selected) {
    return (
      <TaskPage
        task={selected}
        canAct={user?.role === 'reviewer'}
        canRevoke={user?.role === 'reviewer' || user?.role === 'head'}
        onBack={() => {
          setSelected(undefined);
          refresh();
        }}
      />
    );
  }

  const columns = (withMark: boolean) => [
    {
      title: '办件编号',
      dataIndex: 'caseNo',
      render: (caseNo: string, t: TaskRow) => (
        <Button type="link" onClick={() => setSelected(t)} style={{ padding: 0 }}>
          {caseNo}
        </Button>
      ),
    },
    {
      title: '申请人',
      render: (_: unknown, t: TaskRow) => t.applicantName ?? '—',
    },
    {
      title: '事项',
      render: (_: unknown, t: TaskRow) => t.matterName ?? t.matter,
    },
    {
      title: '状态',
      dataIndex: 'status',
      render: (s: string) =>
        s === 'waiting' ? <Tag color="#5b3a8c">等待协办部门意见</Tag> : (taskStatusLabels[s] ?? s),
    },
    { title: '收到', dataIndex: 'openedOn' },
    {
      title: '审查期限',
      dataIndex: 'due',
      render: (due: string, t: TaskRow) => {
        const mark = withMark ? (t.warning ?? undefined) : undefined;
        return (
          <span className={mark ? `due-${mark}` : undefined}>
            {mark && <Badge color={mark === 'red' ? '#b3261e' : '#d4a000'} />} {due}
            {mark === 'red' ? '（红牌）' : mark === 'yellow' ? '（黄牌）' : ''}
          </span>
        );
      },
    },
    {
      title: '急办',
      dataIndex: 'urgent',
      render: (urgent: boolean) => (urgent ? <Tag color="#b3261e">急办件</Tag> : ''),
    },
  ];
  /** A tab's tasks: the open ones carry their case's yellow / red mark. */
  const taskTable = (rows: TaskRow[], withMark: boolean) => (
    <Card size="small">
      <Table size="small" rowKey="id" dataSource={rows} columns={columns(withMark)} pagination={{ pageSize: 15 }} />
    </Card>
  );

  return (
    <>
      <Typography.Title level={1}>
        待办 / 已办{user?.departmentName ? `（${user.departmentName}）` : ''}
      </Typography.Title>
      {error && <Alert type="error" showIcon title="读取失败" description={error} role="alert" />}
      <Tabs
        items={[
          {
            key: 'open',
            label: `待办（${open.length}）`,
            children: taskTable(open, true),
          },
          {
            key: 'done',
            label: `已办（${done.length}）`,
            children: taskTable(done, false),
          },
          { key: 'follow-ups', label: '差评整改', children: <FollowUps /> },
          ...(user?.role === 'head'
            ? [{ key: 'extensions', label: '延期审批', children: <Extensions onDone={refresh} /> }]
            : []),
        ]}
      />
    </>
  );
}
