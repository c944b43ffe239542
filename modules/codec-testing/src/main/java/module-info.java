/** The contract test that every Pier codec's test extends; a test-scope dependency only. */
module pier.codec.testing {
    requires transitive pier.codec;
    requires transitive org.junit.jupiter.api;
    requires org.hamcrest;
    requires jazzer.junit;

    exports pier.codec.testing;
}
