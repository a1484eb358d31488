package dev.hindsight.cli;

import dev.hindsight.util.FileTrees;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run bin/hindsight records the class-data sharing archive from (-XX:ArchiveClassesAtExit),
 * once per build: the classes a CLI command loads are then mapped from the archive instead of
 * being read from the jar and verified, every time.
 *
 * <p>An archive holds only the classes its run loaded, so the run must load what commands
 * load: the whole command tree, its help, Jackson, the HTTP client and the tables. Written by
 * the user's first command instead, it held what that one needed (`--version`: almost nothing)
 * and every later command read the rest from the jar. So it runs a few real commands against
 * a loopback listener that answers every request with an empty JSON array, in a home of its
 * own that it deletes.
 */
public final class ClassDataTraining {
    private static final List<List<String>> COMMANDS = List.of(
            List.of("--help"), List.of("server", "--help"), List.of("server", "create", "--help"),
            List.of("server", "list"), List.of("server", "list", "--output", "json"),
            List.of("server", "show", "--name", "training"), List.of("backup", "list", "--server", "training"),
            List.of("server", "restore", "--source-server", "training", "--name", "training-restored",
                    "--restore-time", "2000-01-01T00:00:00Z", "--no-wait"));

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path home = Files.createTempDirectory("hindsight-cds-training");
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answerAll(listener), "cds-training-answers");
            answering.setDaemon(true);
            answering.start();
            Files.writeString(home.resolve("daemon.json"), "{\"port\":" + listener.getLocalPort() + "}");
            Files.writeString(home.resolve("daemon.token"), "training");
            CommandTree.whole();
            PrintWriter discard = new PrintWriter(Writer.nullWriter());
            for (List<String> command : COMMANDS) {
                String[] words = command.toArray(new String[0]);
                boolean help = command.contains("--help");
                Main.run(discard, discard, help ? words : withHome(words, home));
            }
        } finally {
            FileTrees.deleteRecursively(home);
        }
    }

    private static String[] withHome(String[] words, Path home) {
        String[] out = new String[words.length + 2];
        System.arraycopy(words, 0, out, 0, words.length);
        out[words.length] = "--home";
        out[words.length + 1] = home.toString();
        return out;
    }

    private static void answerAll(ServerSocket listener) {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                readRequest(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                        + "Connection: close\r\n\r\n[]").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                return; // closed: training is over
            }
        }
    }

    /** Reads the request line and headers, and a body of the Content-Length they give. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).strip()));
            }
        }
    }
}
