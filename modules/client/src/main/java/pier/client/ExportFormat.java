package pier.client;

/** The file formats a view of records can be saved in. */
public enum ExportFormat {
    /** A header row of the view's columns, then a row per record (nested values as JSON text). */
    CSV("CSV", "csv"),
    /** One JSON object per line. */
    JSON_LINES("JSON Lines", "jsonl");

    private final String label;
    private final String extension;

    ExportFormat(String label, String extension) {
        this.label = label;
        this.extension = extension;
    }

    /** The usual file name extension, without the dot. */
    public String extension() {
        return extension;
    }

    @Override
    public String toString() {
        return label;
    }
}
