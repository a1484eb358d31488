package dev.hindsight.engine.mariadb;

import java.sql.Connection;
import java.sql.SQLException;

/** A managed or attached server on this host, reached over 127.0.0.1 with one login. */
public record MariaDbSource(MariaDbCluster cluster, String user, String password) implements BinlogCapture.Source {
    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return cluster.port();
    }

    @Override
    public Connection connect() throws SQLException {
        return cluster.connect(user, password);
    }

    @Override
    public String toString() {
        return "MariaDbSource[" + user + "@127.0.0.1:" + cluster.port() + "]"; // never the password
    }
}
