/** The contract test that every Pier store backend's test extends; a test-scope dependency only. */
module pier.store.testing {
    requires transitive pier.store;
    requires transitive org.junit.jupiter.api;
    requires org.hamcrest;

    exports pier.store.testing;
}
