import { Typography } from 'antd';
import { usePageTitle } from '../../usePageTitle.ts';

export function Inbox() {
  usePageTitle('待办');
  return <Typography.Title level={1}>待办</Typography.Title>;
}
