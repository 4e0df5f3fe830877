import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Form, Input, Result, Row, Tabs, Typography } from 'antd';
import { errorText } from '../../api.ts';
import { useSession } from '../../session.tsx';
import { usePageTitle } from '../../usePageTitle.ts';
import { ApplyForm, type Submitted } from './ApplyForm.tsx';
import { CaseDesk } from './CaseDesk.tsx';
import { Finder } from './Finder.tsx';
import { GuideView } from './GuideView.tsx';
import { Ledger } from './Ledger.tsx';
import { Pending } from './Pending.tsx';
import { QueueDesk } from './QueueDesk.tsx';
import { PrintDoc, type Printing } from './PrintDoc.tsx';
import { guidesOf, type Choice, type Guide } from './catalogue.ts';

/** 综合窗口: receive (find, guide, checklist, submit), decide acceptance, print, deliver, and the day's ledger. */
export function Window() {
  usePageTitle('综合窗口');
  const { user } = useSession();
  const [tab, setTab] = useState('receive');
  const [choice, setChoice] = useState<Choice>();
  const [guides, setGuides] = useState<Guide[]>([]);
  const [submitted, setSubmitted] = useState<Submitted>();
  const [formKey, setFormKey] = useState(0);
  const [open, setOpen] = useState<string>();
  const [printing, setPrinting] = useState<Printing>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!choice) return;
    guidesOf(choice.matterCodes).then(setGuides, (e: unknown) => setError(errorText(e)));
  }, [choice]);

  if (printing) return <PrintDoc printing={printing} onClose={() => setPrinting(undefined)} />;

  const openCase = (caseNo: string) => {
    setOpen(caseNo);
    setTab('cases');
  };

  const receive = submitted ? (
    <>
      <Result
        status="success"
        title={`已收件，办件编号 ${submitted.caseNo}`}
        subTitle={
          <span>
            查询码 <strong data-testid="query-code">{submitted.queryCode}</strong>（请告知申请人，凭此查询进度）
          </span>
        }
        extra={
          <Button
            onClick={() => {
              setSubmitted(undefined);
              setChoice(undefined);
              setFormKey((k) => k + 1);
            }}
          >
            收下一件
          </Button>
        }
      />
      <CaseDesk caseNo={submitted.caseNo} queryCode={submitted.queryCode} onPrint={setPrinting} />
    </>
  ) : (
    <Row gutter={16}>
      <Col span={9}>
        <Finder onChoose={setChoice} />
      </Col>
      <Col span={15}>
        {error && <Alert type="error" showIcon title="办事指南读取失败" description={error} />}
        {choice && guides.length > 0 && guides.every((g) => choice.matterCodes.includes(g.code)) ? (
          <>
            {choice.description && <Typography.Paragraph>{choice.description}</Typography.Paragraph>}
            <GuideView guides={guides} />
            <ApplyForm key={`${choice.code}-${formKey}`} choice={choice} guides={guides} onSubmitted={setSubmitted} />
          </>
        ) : (
          <Card size="small">请在左侧查找并选择事项或主题（一件事）。</Card>
        )}
      </Col>
    </Row>
  );

  return (
    <>
      <Typography.Title level={1}>综合窗口{user?.window ? ` ${user.window}` : ''}</Typography.Title>
      {user?.window && <QueueDesk suggestedCaseNo={submitted?.caseNo} />}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'receive', label: '收件', children: receive },
          {
            key: 'cases',
            label: '受理与出件',
            children: (
              <>
                <Card size="small" style={{ marginBottom: 16 }}>
                  <Form name="open-case" layout="inline" onFinish={(v: { caseNo: string }) => setOpen(v.caseNo.trim())}>
                    <Form.Item
                      label="办件编号"
                      name="caseNo"
                      rules={[{ required: true, whitespace: true, message: '请输入办件编号' }]}
                    >
                      <Input autoComplete="off" style={{ width: 220 }} />
                    </Form.Item>
                    <Button htmlType="submit">打开</Button>
                  </Form>
                </Card>
                {open && <CaseDesk key={open} caseNo={open} onPrint={setPrinting} />}
                <Pending window={user?.window ?? undefined} onOpen={openCase} />
              </>
            ),
          },
          {
            key: 'ledger',
            label: '台帐',
            children: user?.window ? <Ledger window={user.window} onOpen={openCase} /> : null,
          },
        ]}
      />
    </>
  );
}
