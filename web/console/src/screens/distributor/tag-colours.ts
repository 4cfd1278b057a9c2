/**
 * Tag colours dark enough for white text at WCAG AA (4.5:1): antd's preset light tags
 * (green text on pale green) fall short of it. The tag's words carry the meaning; the
 * colour only helps the eye.
 */
export const TAG_COLOURS = {
  good: '#237804',
  bad: '#a8071a',
  moving: '#0958d9',
  packing: '#531dab',
  neutral: '#595959',
  warning: '#874d00',
} as const;
