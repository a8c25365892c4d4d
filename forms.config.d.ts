declare const _default: Record<string, {
    title: string;
    allowedOrigins: string[];
    fields: {
        name: string;
        type: "email" | "tel" | "text" | "textarea" | "select" | "consent";
        label: string;
        required: boolean;
        maxLength?: number | undefined;
        placeholder?: string | undefined;
        autocomplete?: string | undefined;
        options?: (string | {
            value: string;
            label: string;
        })[] | undefined;
        maps?: "email" | "phone" | "company" | "jobTitle" | "name.first" | "name.last" | {
            extendedField: string;
            dataType: "TEXT" | "NUMBER" | "DATE" | "URL";
        } | undefined;
        version?: string | undefined;
    }[];
    labels: string[];
    extendedFields: {
        displayName: string;
        dataType: "TEXT" | "NUMBER" | "DATE" | "URL";
        value: string | number;
    }[];
    onDuplicate: "append" | "overwrite";
    submitLabel: string;
    successMessage: string;
    description?: string | undefined;
    redirectUrl?: string | undefined;
    defaultCountry?: string | undefined;
}>;
export default _default;
