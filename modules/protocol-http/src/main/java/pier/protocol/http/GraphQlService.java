package pier.protocol.http;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import graphql.ExecutionInput;
import graphql.GraphQL;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import pier.resource.Principal;
import pier.resource.ResourceException;
import pier.resource.ResourceRegistry;

/**
 * GraphQL over HTTP: {@code POST /graphql} with {@code {"query", "variables", "operationName"}} as JSON,
 * or {@code GET /graphql?query=…}. Queries only, over the exported tables (see {@link GraphQlSchema}),
 * introspection included; the caller logs in as for REST. The answer is the standard
 * {@code {"data", "errors"}} body; a request that is not one is refused with 400 and such a body too.
 */
public final class GraphQlService implements HttpService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Logins logins;
    private final ResourceRegistry resources;
    private final int maxBodyBytes;
    private volatile GraphQL graphQl;

    /**
     * @param resources    what is exposed over HTTP; the schema is made at the first request, when every
     *                     resource has been registered
     * @param logins       who is asking
     * @param maxBodyBytes the largest request body accepted
     */
    public GraphQlService(ResourceRegistry resources, Logins logins, int maxBodyBytes) {
        this.resources = resources;
        this.logins = logins;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/graphql", this::post).get("/graphql", this::get);
    }

    private void post(ServerRequest request, ServerResponse response) {
        JsonNode body;
        try {
            if (request.headers().contentLength().orElse(0) > maxBodyBytes) {
                refuse(response, Status.REQUEST_ENTITY_TOO_LARGE_413, "a GraphQL request has at most " + maxBodyBytes
                        + " bytes");
                return;
            }
            body = JSON.readTree(request.content().as(byte[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            refuse(response, Status.BAD_REQUEST_400, "the body is not JSON: " + e.getOriginalMessage());
            return;
        } catch (java.io.IOException e) {
            refuse(response, Status.BAD_REQUEST_400, "the body could not be read");
            return;
        }
        if (body == null || !body.path("query").isTextual()) {
            refuse(response, Status.BAD_REQUEST_400, "send {\"query\": \"…\"} as JSON");
            return;
        }
        execute(request, response, body.get("query").asText(), body.path("variables"),
                body.path("operationName").asText(null));
    }

    private void get(ServerRequest request, ServerResponse response) {
        var parameters = request.query();
        if (!parameters.contains("query")) {
            refuse(response, Status.BAD_REQUEST_400, "GET /graphql takes ?query=…");
            return;
        }
        JsonNode variables;
        try {
            variables = parameters.contains("variables") ? JSON.readTree(parameters.get("variables")) : null;
        } catch (java.io.IOException e) {
            refuse(response, Status.BAD_REQUEST_400, "variables are not JSON");
            return;
        }
        execute(request, response, parameters.get("query"), variables,
                parameters.contains("operationName") ? parameters.get("operationName") : null);
    }

    @SuppressWarnings("unchecked")
    private void execute(ServerRequest request, ServerResponse response, String query, JsonNode variables,
                         String operation) {
        Principal principal;
        try {
            principal = logins.authenticate(request.headers(), Logins.client(request.remotePeer()));
        } catch (ResourceException e) {
            refuse(response, Status.create(e.kind().httpStatus()), e.getMessage());
            return;
        }
        if (variables != null && !variables.isNull() && !variables.isMissingNode() && !variables.isObject()) {
            refuse(response, Status.BAD_REQUEST_400, "variables must be an object");
            return;
        }
        ExecutionInput input = ExecutionInput.newExecutionInput().query(query).operationName(operation)
                .variables(variables == null || !variables.isObject() ? Map.of() : JSON.convertValue(variables, Map.class))
                .graphQLContext(context -> context.of(Principal.class, principal)).build();
        Map<String, Object> result = schema().execute(input).toSpecification();
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            response.send(JSON.writeValueAsBytes(result));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private GraphQL schema() {
        GraphQL made = graphQl;
        if (made == null) {
            made = GraphQlSchema.of(resources);
            graphQl = made;
        }
        return made;
    }

    private static void refuse(ServerResponse response, Status status, String message) {
        response.status(status).header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(JSON.createObjectNode().set("errors", JSON.createArrayNode().add(JSON.createObjectNode()
                .put("message", message))).toString());
    }
}
