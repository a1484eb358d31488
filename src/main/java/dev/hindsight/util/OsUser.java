package dev.hindsight.util;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The OS user that database server processes run as. PostgreSQL refuses to run as root, so when
 * Hindsight runs as root the database runs as an unprivileged user (normally {@code postgres}):
 * commands are wrapped in {@code runuser}, files are handed over with chown, and directories on the
 * way to them get a traversal-only ACL. When Hindsight is not root, everything runs as itself.
 */
public final class OsUser {
    private static final Logger log = LoggerFactory.getLogger(OsUser.class);

    private final String name;
    /** True when commands must switch user: we are root and the database user is someone else. */
    private final boolean switchUser;

    private OsUser(String name, boolean switchUser) {
        this.name = name;
        this.switchUser = switchUser;
    }

    /** The user to run database processes as: {@code dbUserIfRoot} when we are root, else ourselves. */
    public static OsUser forDatabase(String dbUserIfRoot) {
        if (isRoot()) {
            return new OsUser(dbUserIfRoot, !"root".equals(dbUserIfRoot));
        }
        return new OsUser(System.getProperty("user.name"), false);
    }

    public static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    public String name() {
        return name;
    }

    /** Whether processes run as a different user than this JVM. */
    public boolean switchesUser() {
        return switchUser;
    }

    /** {@code argv}, wrapped so that it runs as this user. runuser keeps the environment (PGPASSWORD etc.). */
    public List<String> command(List<String> argv) {
        if (!switchUser) {
            return List.copyOf(argv);
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", name, "--"));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Makes this user the owner of {@code path} and everything under it (only needed when we are root). */
    public void giveOwnership(Path path) {
        if (!switchUser) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = lookup.lookupPrincipalByName(name);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(primaryGroup());
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    chown(dir, user, group);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    chown(file, user, group);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new HindsightException(HindsightException.Kind.FAILED,
                    "could not give " + path + " to OS user " + name + ": " + e.getMessage(),
                    "check that the user exists (id " + name + ") and the file system supports ownership", e);
        }
    }

    private static void chown(Path p, UserPrincipal user, GroupPrincipal group) throws IOException {
        // symlinks are changed themselves, never followed out of the tree
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setOwner(user);
        view.setGroup(group);
    }

    /** Looked up once: giveOwnership runs per staged WAL segment during a restore. */
    private volatile String primaryGroup;

    private String primaryGroup() {
        String known = primaryGroup;
        if (known != null) {
            return known;
        }
        primaryGroup = lookUpPrimaryGroup();
        return primaryGroup;
    }

    private String lookUpPrimaryGroup() {
        Processes.Result r = Processes.run(List.of("id", "-gn", name), Duration.ofSeconds(10));
        return r.output().strip();
    }

    /**
     * Lets this user reach {@code path}: every ancestor directory it could not traverse gets an
     * ACL entry granting it execute (search) permission only — no listing, no reading. The path
     * itself is not touched; give it to the user with {@link #giveOwnership}.
     */
    public void ensureTraversable(Path path) {
        if (!switchUser) {
            return;
        }
        Path absolute = path.toAbsolutePath().normalize();
        List<Path> ancestors = new ArrayList<>();
        for (Path p = absolute.getParent(); p != null; p = p.getParent()) {
            ancestors.add(0, p);
        }
        for (Path dir : ancestors) {
            if (!canTraverse(dir)) {
                log.info("granting OS user {} traversal-only access (ACL u:{}:x) to {} so the database can reach {}",
                        name, name, dir, absolute);
                setTraverseAcl(dir);
            }
        }
    }

    private void setTraverseAcl(Path dir) {
        if (!Files.isExecutable(Path.of("/usr/bin/setfacl")) && !Files.isExecutable(Path.of("/bin/setfacl"))) {
            throw new HindsightException(HindsightException.Kind.UNAVAILABLE,
                    "OS user " + name + " cannot traverse " + dir + " and setfacl is not installed to grant it",
                    "apt-get install -y acl (scripts/setup does), or choose a directory " + name + " can reach");
        }
        Processes.run(List.of("setfacl", "-m", "u:" + name + ":x", dir.toString()), Duration.ofSeconds(10));
    }

    /**
     * Whether this user may search {@code dir}. The mode bits answer most cases without a process
     * (world x, or owner x when it owns it); groups and ACLs are left to the kernel via test -x.
     */
    private boolean canTraverse(Path dir) {
        try {
            PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class);
            if (attrs.permissions().contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return true;
            }
            if (attrs.owner().getName().equals(name)) {
                return attrs.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read permissions of " + dir, e);
        }
        return Processes.runAllowingFailure(command(List.of("test", "-x", dir.toString())), java.util.Map.of(),
                Path.of("/"), Duration.ofSeconds(10)).succeeded();
    }

    @Override
    public String toString() {
        return name;
    }
}
