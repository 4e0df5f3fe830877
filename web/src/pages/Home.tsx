import { Card, Col, Row, Typography } from 'antd';
import { Link } from 'react-router';
import { usePageTitle } from '../usePageTitle.ts';

const PAGES = [
  {
    to: '/window',
    title: '综合窗口',
    text: '窗口人员：查找事项和办事指南，收件、受理、打印回执和告知书，出件，台帐。',
  },
  {
    to: '/inbox',
    title: '待办',
    text: '部门审查人员：本部门的审查任务，审查意见、特别程序、延期；部门负责人审批延期。',
  },
  { to: '/track', title: '办件查询', text: '凭办件编号和查询码查看办理进度、告知书、证照，办结后评价服务（好差评）。' },
  { to: '/feedback', title: '投诉 · 咨询', text: '对办件、部门或窗口投诉，或咨询办事问题；凭编号和联系电话查询答复。' },
  { to: '/disclosure', title: '办件公示', text: '近期办结的办件及办理结果（申请人姓名遮蔽），每月办件统计。' },
  { to: '/verify', title: '证照核验', text: '输入电子证照编号（或扫描证照上的二维码），核验证照真伪和状态。' },
  { to: '/audit', title: '审计', text: '校验办件记录是否完整，查看全过程记录，重放到任一步骤，导出卷宗。' },
  { to: '/supervision', title: '电子监察', text: '按期间查看受理、办结、按时办结率，以及红黄牌预警中的在办件。' },
];

export function Home() {
  usePageTitle('首页');
  return (
    <>
      <Typography.Title level={1}>政务服务中心 一门式审批</Typography.Title>
      <Typography.Paragraph>一件事一次办好：综合窗口受理，部门并联审批，限时办结，电子证照。</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {PAGES.map((page) => (
          <Col xs={24} sm={12} lg={8} key={page.to}>
            <Card title={<Link to={page.to}>{page.title}</Link>} style={{ height: '100%' }}>
              {page.text}
            </Card>
          </Col>
        ))}
      </Row>
    </>
  );
}
