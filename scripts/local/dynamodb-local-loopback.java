import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local has no bind-address option: its jar builds a Jetty server on a port, which
 * listens on every interface, so anyone who can reach this machine could read and write the
 * table (serial keys included) with any credentials. This launcher builds the very same
 * server from the same command-line arguments and, before it starts, binds its connectors
 * to 127.0.0.1. If a future jar changes its internals, it fails rather than listen openly.
 *
 * Run in Java's single-file source mode (JEP 330): java -cp DynamoDBLocal.jar this-file args.
 * It never configures DynamoDB Local's telemetry, so nothing is sent anywhere either.
 *
 * With -Dtraceseal.exitWithParent=stdin it also exits when its standard input ends: the node
 * process that started it holds the other end of that pipe, and the kernel closes it however
 * that process ends (a closed terminal, kill -9, a crash), so no database outlives its service.
 */
public class DynamoDbLocalLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Server server;
    try {
      Field field = DynamoDBProxyServer.class.getDeclaredField("server");
      field.setAccessible(true);
      server = (Server) field.get(proxy);
    } catch (ReflectiveOperationException | ClassCastException e) {
      System.err.println("This DynamoDB Local jar cannot be bound to 127.0.0.1; refusing to listen on every interface: " + e);
      System.exit(3);
      return;
    }
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) {
      System.err.println("DynamoDB Local has no connector to bind to 127.0.0.1; refusing to start");
      System.exit(3);
    }
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        System.err.println("Unexpected DynamoDB Local connector " + connector + "; refusing to listen on every interface");
        System.exit(3);
      }
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    if ("stdin".equals(System.getProperty("traceseal.exitWithParent"))) watchParent();
    proxy.start();
  }

  private static void watchParent() {
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // The parent never writes; anything read is ignored.
        }
      } catch (java.io.IOException e) {
        // A broken pipe means the same as its end.
      }
      System.err.println("The process that started DynamoDB Local is gone; stopping.");
      // As on SIGTERM: shutdown hooks run; should one hang, the JVM ends anyway.
      Thread deadline = new Thread(() -> {
        try {
          Thread.sleep(5000);
        } catch (InterruptedException ignored) {
          // ending anyway
        }
        Runtime.getRuntime().halt(1);
      }, "parent-watchdog-deadline");
      deadline.setDaemon(true);
      deadline.start();
      System.exit(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
