import { Typography } from 'antd';

/** A table's empty text, in secondary text that meets AA contrast (antd's own placeholder is #bfbfbf on white). */
export const NoData = ({ text }: { text: string }) => <Typography.Text type="secondary">{text}</Typography.Text>;

/** Tag colours dark enough for white text at AA contrast (antd's preset tags are not). */
export const TAG_COLORS = { green: '#237804', blue: '#0b5cad', red: '#a8071a', orange: '#ad4e00' } as const;
