namespace AavaeMlNet; internal static class Placeholder {}
