/**
 * The query language of collections ({@code /T/?age=gt=3&sort(-age)&limit(10)}) and of live
 * subscriptions: a parser that names the position of every error, the syntax tree, evaluation on a
 * record, projection with {@code select()}, and the total order of values that sorting and indexes share.
 */
module pier.query {
    requires transitive com.fasterxml.jackson.databind;

    exports pier.query;
}
