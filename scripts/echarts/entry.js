// The ECharts that brief embeds and every site self-hosts: only what brief
// draws (see internal/chart). `make echarts` bundles it with esbuild into
// templates/assets/echarts.min.js; a test checks the committed file is
// exactly what this produces from package-lock.json.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GraphicComponent,
  GridComponent,
  LegendScrollComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, LineChart, ScatterChart,
  DataZoomInsideComponent, DataZoomSliderComponent, GraphicComponent, GridComponent,
  LegendScrollComponent, MarkLineComponent, TitleComponent, TooltipComponent,
  CanvasRenderer, SVGRenderer, // SVG: the PDF edition's charts are vectors
]);

window.echarts = echarts;
