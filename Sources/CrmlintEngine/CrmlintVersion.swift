/// The version `crmlint --version` prints and reports carry.
public enum CrmlintVersion {
    public static let current = "0.1.0"
}
