import { Typography } from 'antd';
import { usePageTitle } from '../../usePageTitle.ts';

export function Window() {
  usePageTitle('综合窗口');
  return <Typography.Title level={1}>综合窗口</Typography.Title>;
}
