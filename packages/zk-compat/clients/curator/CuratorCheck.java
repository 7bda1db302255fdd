// Apache Curator 5.4 (Debian's libcurator-*-java) recipes, driven by the zk-compat tests and run
// with Java's single-file source launcher. Prints one JSON object per stdout line.
//
//   mutex <connect> <path> <id> <rounds> <log file>
//     prints {"ready":true}, waits for a line on stdin (so every contender starts together), then
//     takes an InterProcessMutex <rounds> times; each hold appends "enter <id> <round>", writes
//     <id> to <path>-holder and reads it back, then appends "exit <id> <round>".
//   latch <connect> <path> <id>
//     joins a LeaderLatch and prints every leadership change; stdin commands: "status" prints what
//     the latch sees, "close" leaves the election and exits.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

public class CuratorCheck {
  private static final int SESSION_TIMEOUT_MS = 15_000;
  private static final int CONNECTION_TIMEOUT_MS = 15_000;

  public static void main(String[] args) throws Exception {
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(
            args[1], SESSION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS, new ExponentialBackoffRetry(100, 10, 1000));
    client.start();
    if (!client.blockUntilConnected(60, TimeUnit.SECONDS)) throw new IllegalStateException("not connected");
    switch (args[0]) {
      case "mutex" -> mutex(client, args[2], args[3], Integer.parseInt(args[4]), Path.of(args[5]));
      case "latch" -> latch(client, args[2], args[3]);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    client.close();
  }

  private static void mutex(CuratorFramework client, String path, String id, int rounds, Path log) throws Exception {
    InterProcessMutex mutex = new InterProcessMutex(client, path);
    String holderPath = path + "-holder";
    client.createContainers(holderPath);
    int mismatches = 0;
    print("{\"id\":\"" + id + "\",\"ready\":true}");
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    for (int round = 0; round < rounds; round++) {
      if (!mutex.acquire(60, TimeUnit.SECONDS)) throw new IllegalStateException("no lock in 60 s");
      try {
        append(log, "enter " + id + " " + round);
        client.setData().forPath(holderPath, id.getBytes(StandardCharsets.UTF_8));
        String seen = new String(client.getData().forPath(holderPath), StandardCharsets.UTF_8);
        if (!seen.equals(id)) mismatches++;
        append(log, "exit " + id + " " + round);
      } finally {
        mutex.release();
      }
    }
    print("{\"id\":\"" + id + "\",\"rounds\":" + rounds + ",\"mismatches\":" + mismatches + "}");
  }

  private static void append(Path log, String line) throws Exception {
    Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  private static void latch(CuratorFramework client, String path, String id) throws Exception {
    LeaderLatch latch = new LeaderLatch(client, path, id);
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            print("{\"id\":\"" + id + "\",\"leader\":true}");
          }

          @Override
          public void notLeader() {
            print("{\"id\":\"" + id + "\",\"leader\":false}");
          }
        });
    latch.start();
    print("{\"id\":\"" + id + "\",\"started\":true}");
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
      if (line.equals("status")) {
        String leaderId = latch.getLeader().getId();
        print(
            "{\"id\":\"" + id + "\",\"status\":true,\"hasLeadership\":" + latch.hasLeadership()
                + ",\"leaderId\":\"" + leaderId + "\",\"participants\":" + latch.getParticipants().size() + "}");
      } else if (line.equals("close")) {
        latch.close();
        print("{\"id\":\"" + id + "\",\"closed\":true}");
        return;
      }
    }
  }

  private static synchronized void print(String json) {
    System.out.println(json);
    System.out.flush();
  }
}
