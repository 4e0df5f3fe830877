import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Empty, Space, Tag, Typography } from 'antd';
import { api, errorText, pathPart, type CaseView } from '../../api.ts';
import { FileViewer } from '../../files/FileViewer.tsx';
import { deadlineLabels, formatTime, statusLabels, taskStatusLabels } from '../../labels.ts';
import { guidesOf } from '../window/catalogue.ts';
import type { TaskRow } from './Inbox.tsx';
import { ExtensionForm, OpinionForm, SpecialProcedureForm } from './TaskActions.tsx';
import { OngoingProcedures, RevokeCertificates } from './AfterActions.tsx';

/**
 * One task: the application, its materials and their files (every file of the case, so the lead department reads
 * what the co-departments' supplements brought too), the other departments' opinions, and the reviewer's actions.
 */
export function TaskPage({
  task,
  canAct,
  canRevoke,
  onBack,
}: {
  task: TaskRow;
  canAct: boolean;
  canRevoke: boolean;
  onBack: () => void;
}) {
  const [view, setView] = useState<CaseView>();
  const [round, setRound] = useState(0);
  const [names, setNames] = useState(new Map<string, string>());
  const [error, setError] = useState<string>();

  useEffect(() => {
    api<CaseView>(`/applications/${pathPart(task.caseNo)}`)
      .then(async (v) => {
        setView(v);
        const guides = await guidesOf(v.matters.map((m) => m.code));
        setNames(new Map(guides.flatMap((g) => g.materials.map((m) => [m.code, m.name] as const))));
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [task.caseNo, round]);

  const mine = view?.tasks.find((t) => t.id === task.id);
  const others = view?.tasks.filter((t) => t.id !== task.id && t.matter === task.matter) ?? [];
  const matterMaterials = [...names.entries()];
  return (
    <>
      <Space className="no-print" style={{ marginBottom: 8 }}>
        <Button onClick={onBack}>返回待办</Button>
      </Space>
      <Typography.Title level={1}>审查 {task.caseNo}</Typography.Title>
      {error && <Alert type="error" showIcon title="办件读取失败" description={error} role="alert" />}
      {view && mine && (
        <>
          <Card title="申请" size="small" style={{ marginBottom: 16 }}>
            <Descriptions bordered size="small" column={2}>
              <Descriptions.Item label="办件状态">{statusLabels[view.status] ?? view.status}</Descriptions.Item>
              <Descriptions.Item label="本部门任务">
                <strong data-testid="task-status">{taskStatusLabels[mine.status] ?? mine.status}</strong>
                {mine.lead ? '（牵头部门）' : '（协办部门）'}
              </Descriptions.Item>
              <Descriptions.Item label="申请人">{view.applicant.name}</Descriptions.Item>
              <Descriptions.Item label="证件号码">{view.applicant.idNumber ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="事项" span={2}>
                {view.matters.map((m) => m.name).join('、')}
              </Descriptions.Item>
              <Descriptions.Item label="收件时间">{formatTime(view.receivedAt)}</Descriptions.Item>
              <Descriptions.Item label="本部门审查期限">{mine.due}</Descriptions.Item>
              {Object.entries(view.deadlines)
                .filter(([, v]) => v)
                .map(([k, v]) => (
                  <Descriptions.Item key={k} label={deadlineLabels[k] ?? k}>
                    {v}
                  </Descriptions.Item>
                ))}
              {view.urgent && (
                <Descriptions.Item label="急办件" span={2}>
                  <Tag color="#b3261e">急办</Tag>
                  {view.urgent.reason}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
          <Card title="申请材料" size="small" style={{ marginBottom: 16 }}>
            <ul className="rows">
              {view.materialsProvided.map((m) => (
                <li key={m}>
                  {names.get(m) ?? m}
                  {view.fromLibrary.some((f) => f.material === m) && <Tag color="#1b5e20">证照库</Tag>}
                </li>
              ))}
              {view.commitments.map((m) => (
                <li key={`c-${m}`}>
                  {names.get(m) ?? m} <Tag color="#0b57d0">告知承诺</Tag>
                </li>
              ))}
              {view.deficiencies.map((m) => (
                <li key={`d-${m}`}>
                  {names.get(m) ?? m} <Tag color="#8a4b00">容缺</Tag>
                </li>
              ))}
            </ul>
          </Card>
          <Card title="电子材料" size="small" style={{ marginBottom: 16 }}>
            <FileViewer materials={view.materials} />
          </Card>
          {mine.lead && (
            <Card title="其他部门意见" size="small" style={{ marginBottom: 16 }}>
              {others.length === 0 ? (
                <Empty description="本事项无其他部门" />
              ) : (
                <ul className="rows">
                  {others.map((t) => (
                    <li key={t.id}>
                      <Space wrap>
                        <strong>{t.departmentName}</strong>
                        <span>{taskStatusLabels[t.status] ?? t.status}</span>
                        {t.reason && <span>意见：{t.reason}</span>}
                        {t.decidedAt && <span>{formatTime(t.decidedAt)}</span>}
                      </Space>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          )}
          {view.extensions.length > 0 && (
            <Card title="延期申请" size="small" style={{ marginBottom: 16 }}>
              <ul className="rows">
                {view.extensions.map((x) => (
                  <li key={x.id}>
                    {x.department}：{x.reason}（{x.days} 个工作日，
                    {{ requested: '待负责人审批', approved: '已批准', refused: '未批准' }[x.status]}）
                  </li>
                ))}
              </ul>
            </Card>
          )}
          {canAct && <OngoingProcedures view={view} taskId={task.id} onDone={setView} />}
          {canRevoke && mine.lead && (
            <RevokeCertificates
              view={view}
              department={task.department}
              matter={task.matter}
              onDone={() => setRound((r) => r + 1)}
            />
          )}
          {canAct && mine.status === 'open' && (
            <Card title="审查意见" size="small" style={{ marginBottom: 16 }}>
              <OpinionForm taskId={task.id} materials={matterMaterials} onDone={setView} />
              <SpecialProcedureForm taskId={task.id} onDone={setView} />
              <ExtensionForm caseNo={task.caseNo} department={task.department} onDone={setView} />
            </Card>
          )}
        </>
      )}
    </>
  );
}
