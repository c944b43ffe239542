/** The contract test that tables and plugin resources pass; a test-scope dependency only. */
module pier.resource.testing {
    requires transitive pier.resource;
    requires transitive org.junit.jupiter.api;
    requires org.hamcrest;

    exports pier.resource.testing;
}
