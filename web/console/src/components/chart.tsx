import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only the parts the console draws: the whole of ECharts would triple its chunk.
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DatasetComponent,
  AriaComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * One ECharts chart (SVG, so it is crisp in screenshots and needs no canvas), with a text
 * label for screen readers; put the same figures in a table beside it, which is what a
 * keyboard or screen-reader user reads.
 */
export const Chart = ({ option, label, height = 320 }: { option: ChartOption; label: string; height?: number }) => {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (element.current === null) return;
    const chart = echarts.init(element.current, undefined, { renderer: 'svg' });
    // ECharts' aria writes its own description over the container's label: it is given ours.
    chart.setOption({ aria: { enabled: true, label: { description: label } }, animation: false, ...option });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option, label]);
  return <div ref={element} role="img" aria-label={label} style={{ width: '100%', height }} />;
};
