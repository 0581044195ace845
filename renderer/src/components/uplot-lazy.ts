// uPlot and its CSS in their own chunk: the Overview's status renders without waiting for the chart library.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export default uPlot;
