package pier.server;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless chromium, driven by chromium-driver: a page from another origin logs in
 * ({@code fetch('/$login', {credentials: 'include'})} sets the HttpOnly session cookie), then opens
 * {@code new WebSocket(...)} and {@code new EventSource(..., {withCredentials: true})} on a record (neither
 * can send an {@code Authorization} header: the cookie authenticates them) and sees a change made over
 * REST. The page's origin is listed in {@code --cors-origins}, which both CORS (with credentials) and the
 * WebSocket origin check follow. Without the login the same page is refused.
 */
class BrowserIT {

    private static final String PAGE = """
            <!doctype html>
            <title>pier live</title>
            <script>
              const params = new URL(location.href).searchParams;
              const server = params.get('server');
              window.seen = [];
              function watch() {
                const events = new EventSource('http://' + server + '/Dog/browser1', {withCredentials: true});
                events.addEventListener('synced', () => seen.push('sse:synced'));
                events.addEventListener('put', e => seen.push('sse:' + JSON.parse(e.data).value.name));
                events.onerror = () => { seen.push('sse:error'); events.close(); };
                const socket = new WebSocket('ws://' + server + '/Dog/browser1');
                socket.onmessage = e => {
                  const event = JSON.parse(e.data);
                  seen.push('ws:' + (event.type === 'put' ? event.value.name : event.type));
                };
                socket.onclose = e => seen.push('ws:closed ' + e.code);
              }
              if (params.get('password')) {
                fetch('http://' + server + '/$login', {method: 'POST', credentials: 'include',
                    headers: {'Content-Type': 'application/json'},
                    body: JSON.stringify({user: 'admin', password: params.get('password')})})
                  .then(r => { seen.push('login:' + r.status); return r.json(); })
                  .then(login => { seen.push('token:' + (login.token ? 'yes' : 'no')); watch(); });
              } else {
                watch();
              }
            </script>
            """;

    @TempDir
    static Path folder;
    static HttpServer pages;
    static InProcessServer server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/live.html", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        pages.start();
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0", "--data",
                folder.resolve("data").toString(), "--cors-origins", pageOrigin());
        port = server.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        pages.stop(0);
    }

    private static String pageOrigin() {
        return "http://127.0.0.1:" + pages.getAddress().getPort();
    }

    @Test
    void aPageThatLoggedInSeesARestChangeOverWebSocketAndEventSource() {
        inBrowser("&password=s3cret", browser -> {
            await().atMost(Duration.ofSeconds(20)).until(() -> seen(browser).containsAll(List.of("login:200",
                    "token:yes", "sse:synced", "ws:synced")));
            RestClient admin = new RestClient(port, "admin", "s3cret");
            assertThat(admin.putJson("/Dog/browser1", "{\"name\":\"Seen in a browser\"}").statusCode(), is(204));
            await().atMost(Duration.ofSeconds(20)).until(() -> seen(browser).containsAll(List.of(
                    "sse:Seen in a browser", "ws:Seen in a browser")));
            // the cookie is HttpOnly: the page's script cannot read it
            assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie;"), is(""));
        });
    }

    @Test
    void aPageThatDidNotLogInIsRefused() {
        inBrowser("", browser -> {
            await().atMost(Duration.ofSeconds(20)).until(() -> seen(browser).contains("ws:closed 1006"));
            assertThat(new RestClient(port, "admin", "s3cret").putJson("/Dog/browser1", "{\"name\":\"Unseen\"}")
                    .statusCode(), is(204));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> seen(browser).stream()
                    .noneMatch(s -> s.endsWith("synced") || s.endsWith("Unseen")));
        });
    }

    @Test
    void aStoredPageOrImageNeverRunsItsScriptOnTheServersOrigin() {
        RestClient admin = new RestClient(port, "admin", "s3cret");
        // a writer stores script as HTML and as SVG; were it run on this origin, it would write with the reader's login
        String script = "fetch('/Dog/stolen-%s', {method: 'PUT', credentials: 'include', headers: "
                + "{'Content-Type': 'application/json'}, body: '{\"name\": \"pwned\"}'})";
        assertThat(admin.put("/Dog/evil-html", "text/html", ("<html><body><script>" + script.formatted("html")
                + "</script></body></html>").getBytes(StandardCharsets.UTF_8)).statusCode(), is(204));
        assertThat(admin.put("/Dog/evil-svg", "image/svg+xml", ("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>"
                + script.formatted("svg") + "</script></svg>").getBytes(StandardCharsets.UTF_8)).statusCode(), is(204));
        inBrowser("&password=s3cret", browser -> {
            // the page logged in: the session cookie goes with what the server's origin runs
            await().atMost(Duration.ofSeconds(20)).until(() -> seen(browser).contains("login:200"));
            for (String kind : List.of("html", "svg")) {
                browser.get("http://127.0.0.1:" + port + "/Dog/evil-" + kind);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                        admin.get("/Dog/stolen-" + kind, "").statusCode() == 404);
            }
        });
        // served as the same bytes, as an attachment, under a policy that runs nothing
        var served = admin.get("/Dog/evil-html", "");
        assertThat(served.headers().firstValue("Content-Disposition").orElse(""), is("attachment"));
        assertThat(served.headers().firstValue("X-Content-Type-Options").orElse(""), is("nosniff"));
        assertThat(served.headers().firstValue("Content-Security-Policy").orElse("").contains("sandbox"), is(true));
    }

    private void inBrowser(String query, java.util.function.Consumer<ChromeDriver> test) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(pageOrigin() + "/live.html?server=127.0.0.1:" + port + query);
            test.accept(browser);
        } finally {
            browser.quit();
            service.stop();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> seen(ChromeDriver browser) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return window.seen || [];");
    }
}
