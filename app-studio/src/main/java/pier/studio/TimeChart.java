package pier.studio;

import java.util.LinkedHashMap;
import java.util.Map;

import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;

/**
 * A line chart of the last minute, a point a second, with a line per named series (made when first
 * given a value). Used on the JavaFX thread only.
 */
final class TimeChart {

    private static final int SECONDS = 60;

    private final LineChart<Number, Number> chart;
    private final Map<String, XYChart.Series<Number, Number>> series = new LinkedHashMap<>();

    TimeChart(String id, String unit, boolean legend) {
        NumberAxis time = new NumberAxis();
        time.setLabel("seconds");
        time.setForceZeroInRange(false);
        time.setMinorTickVisible(false);
        time.setTickLabelFormatter(new NumberAxis.DefaultFormatter(time) {
            @Override
            public String toString(Number value) {
                return value.doubleValue() == Math.rint(value.doubleValue()) ? String.valueOf(value.longValue()) : "";
            }
        });
        NumberAxis values = new NumberAxis();
        values.setLabel(unit);
        chart = new LineChart<>(time, values);
        chart.setId(id);
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setLegendVisible(legend);
        chart.setMinWidth(220);
    }

    LineChart<Number, Number> node() {
        return chart;
    }

    /** Adds the value of one series at a second, dropping what is older than a minute. */
    void add(long second, String name, double value) {
        XYChart.Series<Number, Number> line = series.computeIfAbsent(name, n -> {
            XYChart.Series<Number, Number> made = new XYChart.Series<>();
            made.setName(n);
            chart.getData().add(made);
            return made;
        });
        line.getData().add(new XYChart.Data<>(second, value));
        if (line.getData().size() > SECONDS) {
            line.getData().removeFirst();
        }
    }

    /** The newest value of a series, for tests and summaries. */
    double last(String name) {
        XYChart.Series<Number, Number> line = series.get(name);
        return line == null || line.getData().isEmpty() ? 0 : line.getData().getLast().getYValue().doubleValue();
    }
}
