namespace AavaeMlNet.Data; internal static class Placeholder {}
