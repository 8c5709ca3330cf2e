package dev.hearth.launcher;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code hearth shell [COMMAND...]}: talks to the console bundle over {@code data/console.sock}
 * (a Unix socket, mode 0600: only the gateway's user can connect).
 *
 * <p>Protocol (console bundle, {@code ConsoleSocketServer}): each command is one line; the server
 * answers with the command's output, then the prompt {@code "hearth> "}, so an answer is complete
 * when the text read ends in {@code "\nhearth> "}. A client that half-closes after its command
 * gets the output and then the end of the stream instead of a prompt.
 *
 * <p>With arguments, runs that one command, prints its output and exits 1 if it answered
 * {@code error: ...}. Without, an interactive session (or commands piped on standard input).
 */
public final class ShellClient {
    static final String PROMPT = "hearth> ";

    private ShellClient() {
    }

    public static void main(String[] args) {
        Path home = Main.home();
        int code;
        try {
            code = run(home, args);
        } catch (LauncherException e) {
            System.err.println("hearth shell: " + e.getMessage());
            code = e.exitCode();
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(Path home, String[] args) throws LauncherException {
        String sockProp = System.getProperty("hearth.console.socket");
        Path socket = sockProp != null ? Path.of(sockProp) : home.resolve("data").resolve("console.sock");
        if (!Files.exists(socket)) {
            throw new LauncherException(socket + " does not exist: is the gateway running (hearth run or hearth demo)?",
                    1, null);
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            InputStream in = Channels.newInputStream(ch);
            OutputStream out = Channels.newOutputStream(ch);
            if (args.length > 0) {
                // One shot: send the command and half-close; the server then answers and closes.
                send(out, String.join(" ", args));
                ch.shutdownOutput();
                String answer = stripPrompt(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                System.out.print(answer);
                System.out.flush();
                return answer.startsWith("error: ") ? 1 : 0;
            }
            boolean tty = System.console() != null;
            if (tty) {
                System.out.println("Hearth console (Gogo). hearth:status, hearth:devices, hearth:sinks, hearth:tail, lb; exit to leave.");
            }
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                if (tty) {
                    System.out.print(PROMPT);
                    System.out.flush();
                }
                String line = stdin.readLine();
                if (line == null || line.trim().equals("exit") || line.trim().equals("quit")) {
                    return 0; // closing the connection ends the session
                }
                if (line.isBlank()) {
                    continue;
                }
                String answer = send(in, out, line);
                if (answer == null) {
                    System.err.println("hearth shell: the gateway closed the connection");
                    return 1;
                }
                System.out.print(answer);
                System.out.flush();
            }
        } catch (IOException e) {
            throw new LauncherException("cannot talk to the gateway at " + socket + ": " + e.getMessage(), 1, e);
        }
    }

    private static String send(InputStream in, OutputStream out, String command) throws IOException, LauncherException {
        send(out, command);
        return readAnswer(in);
    }

    private static void send(OutputStream out, String command) throws IOException, LauncherException {
        if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
            throw new LauncherException("a command is one line", 2, null);
        }
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The answer without a trailing prompt (the server may write one before it sees the half-close). */
    static String stripPrompt(String answer) {
        return answer.endsWith(PROMPT) ? answer.substring(0, answer.length() - PROMPT.length()) : answer;
    }

    /** Everything up to the next prompt, without it; null if the server closed first. */
    static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] prompt = PROMPT.getBytes(StandardCharsets.UTF_8);
        for (int b; (b = in.read()) >= 0;) {
            buf.write(b);
            if (b == ' ' && endsWithPrompt(buf.toByteArray(), prompt)) {
                byte[] all = buf.toByteArray();
                return new String(all, 0, all.length - prompt.length, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static boolean endsWithPrompt(byte[] b, byte[] prompt) {
        int n = b.length - prompt.length;
        if (n < 0 || (n > 0 && b[n - 1] != '\n')) {
            return false;
        }
        for (int i = 0; i < prompt.length; i++) {
            if (b[n + i] != prompt[i]) {
                return false;
            }
        }
        return true;
    }
}
