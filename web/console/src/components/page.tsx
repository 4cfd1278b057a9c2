import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

/** A screen's frame: its one heading (h1: the screen's name), what it offers, then its content. */
export const Page = ({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }) => (
  <Flex vertical gap="middle">
    <Flex justify="space-between" align="center" wrap gap="small">
      <Typography.Title level={1} className="page-title">
        {title}
      </Typography.Title>
      {extra}
    </Flex>
    {children}
  </Flex>
);
